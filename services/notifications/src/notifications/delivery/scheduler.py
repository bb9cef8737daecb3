"""The delivery scheduler: claim due deliveries, send them, record what happened.

Claiming locks due rows with ``FOR UPDATE SKIP LOCKED``, counts an attempt on each and moves
its ``next_attempt_at`` forward by a lease, then commits: no transaction stays open while a
receiver is being called, and several workers can share the table. Each delivery is sent in its
own task; finished attempts are recorded in batches in new transactions. A worker that stops at
any point loses nothing: a claimed row whose outcome was never recorded becomes due again when
its lease ends and is sent again under the same ``webhook-id``.

A slow or dead endpoint holds back only its own subscription: this worker keeps at most
``per_subscription`` of a subscription's deliveries in flight (sent or waiting to be recorded)
and does not claim more of them until some are recorded, so the rest of its capacity goes to
other subscriptions. At most ``max_in_flight`` deliveries are in flight in all, which also
bounds the results waiting for the recorder.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from claimflow_shared.db import Database
from claimflow_shared.errors import is_connection_error
from notifications.delivery.dispatch import Dispatcher
from notifications.delivery.instruments import WebhookMetrics
from notifications.delivery.progress import Attempted, ClaimedDelivery, Progress, progress
from notifications.delivery.recorder import record_batch
from notifications.delivery.repository import DeliveryRepository
from notifications.delivery.retry import (
    DEFAULT_DISABLE_AFTER,
    DEFAULT_RETRY_POLICY,
    RandomSource,
    RetryPolicy,
)

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
_RECORD_BACKOFF_LIMIT = 5.0
_RECORD_TRIES = 5


@dataclass(frozen=True)
class SchedulerOptions:
    """Batch sizes, lease, bounds and the retry policy of a scheduler."""

    batch_size: int = 200
    poll_interval: float = 0.5
    lease: timedelta = timedelta(minutes=2)
    max_in_flight: int = 256
    per_subscription: int = 8
    disable_after: int = DEFAULT_DISABLE_AFTER
    policy: RetryPolicy = field(default=DEFAULT_RETRY_POLICY)


class DeliveryScheduler:
    """Runs deliveries from the table to their receivers and records every attempt."""

    def __init__(
        self,
        *,
        database: Database,
        dispatcher: Dispatcher,
        metrics: WebhookMetrics,
        options: SchedulerOptions | None = None,
        now: Clock,
        rng: RandomSource | None = None,
    ) -> None:
        self._database = database
        self._dispatcher = dispatcher
        self._metrics = metrics
        self._options = options or SchedulerOptions()
        self._now = now
        self._rng = rng or random.Random()
        self._in_flight: Counter[uuid.UUID] = Counter()
        self._room = asyncio.Event()
        self._finished: asyncio.Queue[Progress] = asyncio.Queue()

    async def run_once(self) -> int:
        """Claim one batch, send it all, record it; return how many attempts were made."""
        claimed = await self.claim(self._options.batch_size)
        attempted = await asyncio.gather(*(self._dispatcher.attempt(d) for d in claimed))
        await self._record([self._progress(a) for a in attempted])
        return len(claimed)

    async def run(self) -> None:
        """Claim, send and record until cancelled."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._record_continuously(), name="delivery-recorder")
            await self._claim_continuously(tasks)

    async def claim(self, limit: int) -> list[ClaimedDelivery]:
        """Lease up to ``limit`` due deliveries, within each subscription's share."""
        now = self._now()
        async with self._database.session() as session:
            return await DeliveryRepository(session).claim(
                now=now,
                until=now + self._options.lease,
                limit=limit,
                scan=limit * 2,
                share=self._options.per_subscription,
                in_flight=self._in_flight,
            )

    @property
    def in_flight(self) -> int:
        """How many claimed deliveries are being sent or waiting to be recorded."""
        return sum(self._in_flight.values())

    async def _claim_continuously(self, tasks: asyncio.TaskGroup) -> None:
        """Keep claiming while there is room; poll when nothing is due."""
        threshold = max(1, min(self._options.batch_size, self._options.max_in_flight) // 4)
        while True:
            room = self._options.max_in_flight - self.in_flight
            if room < threshold:
                self._room.clear()
                await self._room.wait()
                continue
            wanted = min(room, self._options.batch_size)
            try:
                claimed = await self.claim(wanted)
            except Exception as exc:
                log.warning("claiming deliveries failed (%s); retrying", type(exc).__name__)
                claimed = []
            for delivery in claimed:
                self._in_flight[delivery.subscription_id] += 1
                tasks.create_task(self._send(delivery))
            if len(claimed) < wanted:
                await asyncio.sleep(self._options.poll_interval)

    async def _send(self, delivery: ClaimedDelivery) -> None:
        """Attempt one delivery and queue its progress for the recorder."""
        try:
            attempted = await self._dispatcher.attempt(delivery)
        except Exception:
            log.exception("delivery %s: the attempt broke; resent when its lease ends", delivery.id)
            self._release([delivery.subscription_id])
            return
        self._finished.put_nowait(self._progress(attempted))

    async def _record_continuously(self) -> None:
        """Record finished attempts in batches as they come, then free their room."""
        while True:
            batch = [await self._finished.get()]
            while len(batch) < self._options.batch_size and not self._finished.empty():
                batch.append(self._finished.get_nowait())
            try:
                await self._record_until_done(batch)
            finally:
                self._release([p.subscription_id for p in batch])

    async def _record_until_done(self, batch: list[Progress]) -> None:
        """Record a batch, retrying while the database is unreachable.

        Any other error is retried a few times, then the batch is dropped: its deliveries keep
        their leases, become due when those end, and are sent again under the same webhook-id.
        """
        delay = 0.1
        for tries in itertools.count(1):
            try:
                await self._record(batch)
                return
            except Exception as exc:
                if tries >= _RECORD_TRIES and not is_connection_error(exc):
                    log.error("dropping %d attempt results: %s", len(batch), type(exc).__name__)
                    return
                log.warning("recording %d attempts failed (%s)", len(batch), type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _RECORD_BACKOFF_LIMIT)

    def _release(self, subscription_ids: Iterable[uuid.UUID]) -> None:
        """Free the room of deliveries that are recorded (or given up on)."""
        for subscription_id in subscription_ids:
            self._in_flight[subscription_id] -= 1
            if self._in_flight[subscription_id] <= 0:
                del self._in_flight[subscription_id]
        self._room.set()

    async def _record(self, batch: Sequence[Progress]) -> None:
        """Write a batch of attempts in one transaction."""
        if not batch:
            return
        async with self._database.session() as session:
            disabled = await record_batch(
                session=session,
                batch=batch,
                now=self._now(),
                disable_after=self._options.disable_after,
            )
        for subscription_id in disabled:
            log.warning("subscription %s disabled after failed deliveries", subscription_id)

    def _progress(self, attempted: Attempted) -> Progress:
        """Decide what an attempt means and count it."""
        decided = progress(attempted, now=self._now(), rng=self._rng, policy=self._options.policy)
        self._metrics.record(decided)
        return decided
