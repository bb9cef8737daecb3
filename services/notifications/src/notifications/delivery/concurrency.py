"""Bounds on concurrent attempts, so a slow or dead receiver cannot hold back the others.

An attempt takes, in this order, a slot of its subscription, of the receiving host, and of the
whole worker. Waiting happens on the narrow bounds first, so deliveries queued behind a hanging
subscription hold no global slot: a dead endpoint can occupy at most its per-subscription share of
the worker, for at most the attempt deadline. The fixed order also means no two attempts can wait
on each other's slots.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from notifications.delivery.config import DeliveryConfig


@dataclass(slots=True)
class _Entry:
    """A key's semaphore, the tasks holding or awaiting it, and those holding it."""

    semaphore: asyncio.Semaphore
    users: int = 0
    holders: int = 0


class KeyedLimit:
    """A bound per key; a key's semaphore exists only while some task uses it."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a concurrency limit must be at least 1")
        self._limit = limit
        self._entries: dict[str, _Entry] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold one of ``key``'s slots for the duration of the block."""
        await self.acquire(key)
        try:
            yield
        finally:
            self.release(key)

    async def acquire(self, key: str) -> None:
        """Take one of ``key``'s slots, waiting for one if need be; pair with :meth:`release`."""
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(asyncio.Semaphore(self._limit))
        entry.users += 1
        try:
            await entry.semaphore.acquire()
        except BaseException:
            self._leave(key, entry)
            raise
        entry.holders += 1

    def release(self, key: str) -> None:
        """Give back a slot of ``key`` taken by :meth:`acquire`."""
        entry = self._entries[key]
        entry.holders -= 1
        entry.semaphore.release()
        self._leave(key, entry)

    def waiting(self, key: str) -> int:
        """Return how many tasks wait for one of ``key``'s slots."""
        entry = self._entries.get(key)
        return 0 if entry is None else entry.users - entry.holders

    def __len__(self) -> int:
        """Return how many keys are in use."""
        return len(self._entries)

    def _leave(self, key: str, entry: _Entry) -> None:
        """One user fewer; forget the key when none is left."""
        entry.users -= 1
        if entry.users == 0:
            del self._entries[key]


class DeliveryLimiter:
    """Per-subscription, per-host and global bounds on concurrent delivery attempts."""

    def __init__(self, *, max_concurrency: int, per_subscription: int, per_host: int) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._global = asyncio.Semaphore(max_concurrency)
        self._subscriptions = KeyedLimit(per_subscription)
        self._hosts = KeyedLimit(per_host)

    @classmethod
    def from_config(cls, config: DeliveryConfig) -> DeliveryLimiter:
        """Build a limiter with the bounds in ``config``."""
        return cls(
            max_concurrency=config.max_concurrency,
            per_subscription=config.per_subscription_concurrency,
            per_host=config.per_host_concurrency,
        )

    def slot(self, *, subscription_id: str, host: str) -> _Slot:
        """Hold a slot for one attempt to ``host`` for ``subscription_id`` (``async with``)."""
        return _Slot(self, subscription_id, host.lower())

    def waiting(self, *, subscription_id: str) -> int:
        """Return how many attempts of ``subscription_id`` wait for its slots."""
        return self._subscriptions.waiting(subscription_id)


class _Slot:
    """The three slots of one attempt, taken narrowest first and given back in reverse.

    A class rather than nested generator-based context managers: the worker takes one per
    delivery, and three generators per attempt were a measurable share of its CPU.
    """

    __slots__ = ("_host", "_limiter", "_subscription_id")

    def __init__(self, limiter: DeliveryLimiter, subscription_id: str, host: str) -> None:
        self._limiter = limiter
        self._subscription_id = subscription_id
        self._host = host

    async def __aenter__(self) -> None:
        limiter = self._limiter
        await limiter._subscriptions.acquire(self._subscription_id)
        try:
            await limiter._hosts.acquire(self._host)
            try:
                await limiter._global.acquire()
            except BaseException:
                limiter._hosts.release(self._host)
                raise
        except BaseException:
            limiter._subscriptions.release(self._subscription_id)
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        limiter = self._limiter
        limiter._global.release()
        limiter._hosts.release(self._host)
        limiter._subscriptions.release(self._subscription_id)
