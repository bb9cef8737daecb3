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
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(asyncio.Semaphore(self._limit))
        entry.users += 1
        try:
            async with entry.semaphore:
                entry.holders += 1
                try:
                    yield
                finally:
                    entry.holders -= 1
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]

    def waiting(self, key: str) -> int:
        """Return how many tasks wait for one of ``key``'s slots."""
        entry = self._entries.get(key)
        return 0 if entry is None else entry.users - entry.holders

    def __len__(self) -> int:
        """Return how many keys are in use."""
        return len(self._entries)


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

    @asynccontextmanager
    async def slot(self, *, subscription_id: str, host: str) -> AsyncIterator[None]:
        """Hold a slot for one attempt to ``host`` for ``subscription_id``."""
        async with (
            self._subscriptions.hold(subscription_id),
            self._hosts.hold(host.lower()),
            self._global,
        ):
            yield

    def waiting(self, *, subscription_id: str) -> int:
        """Return how many attempts of ``subscription_id`` wait for its slots."""
        return self._subscriptions.waiting(subscription_id)
