"""Write events through the caller's session; a relay publishes them to the bus."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import cast

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.trace import SpanKind
from sqlalchemy import Delete, Row, Table, Update, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.bus import EventBus, Message
from claimflow_shared.db import Database
from claimflow_shared.events import Envelope, Event
from claimflow_shared.messaging import outbox_staging
from claimflow_shared.messaging.models import OutboxRecord
from claimflow_shared.messaging.outbox_wake import CommitSignal, origin
from claimflow_shared.observability.metrics import PlatformMetrics
from claimflow_shared.telemetry import context_from_headers, current_trace_headers

log = logging.getLogger(__name__)


def publish(
    session: AsyncSession,
    event: Event,
    *,
    event_id: str | None = None,
    context: otel_context.Context | None = None,
) -> Envelope:
    """Add ``event`` to the outbox in the caller's transaction (never commits), in the trace of
    ``context`` (by default the current one). The row is written when the transaction commits
    (``outbox_staging``)."""
    envelope = Envelope.wrap(event, event_id=event_id)
    outbox_staging.stage(
        session.sync_session,
        event_id=envelope.id,
        event_type=envelope.type,
        topic=event.topic,
        key=envelope.key,
        headers=[[k, v.decode()] for k, v in envelope.headers()]
        + [[k, v] for k, v in current_trace_headers(context).items()],
        payload=envelope.data,
    )
    return envelope


RELAYED = (
    OutboxRecord.id,
    OutboxRecord.event_id,
    OutboxRecord.event_type,
    OutboxRecord.topic,
    OutboxRecord.key,
    OutboxRecord.headers,
    OutboxRecord.payload,
)
"""The columns a relay reads (plain rows: no ORM identity bookkeeping per event)."""

Relayed = Row[int, str, str, str, str, list[list[str]], bytes]

RELAY_LOCK = 0x636C6D66_6F626F78
"""The transaction-level advisory lock a relay holds while it publishes a batch."""


def claim_batch(size: int, *, keep: bool) -> Delete | Update:
    """One statement that takes the relay lock, picks the oldest ``size`` unpublished rows and
    deletes them (``keep``: marks them published), returning them; the caller publishes them
    before it commits, and a rollback puts them back. Nothing when another relay holds the
    lock: its batch is older than anything this one could pick.

    One round trip where a lock, a select and a delete took three; the lock sits in the batch's
    query, as a subquery PostgreSQL evaluates once per execution. The same subquery lets the
    transaction commit without waiting for its WAL to reach the disk (ADR 26): the rows are
    already on the bus, and a commit lost in a crash only publishes them again.
    """
    outbox = cast(Table, OutboxRecord.__table__)
    unflushed = func.set_config("synchronous_commit", "off", True) == "off"
    locked = select(func.pg_try_advisory_xact_lock(RELAY_LOCK) & unflushed).scalar_subquery()
    batch = (
        select(outbox.c.id)
        .where(outbox.c.published_at.is_(None), locked)
        .order_by(outbox.c.id)
        .limit(size)
        .with_for_update(skip_locked=True)
        .cte("batch")
    )
    taken = outbox.c.id == batch.c.id
    statement = (
        update(outbox).where(taken).values(published_at=func.now())
        if keep
        else delete(outbox).where(taken)
    )
    return statement.returning(*(outbox.c[column.key] for column in RELAYED))


def _by_id(row: Relayed) -> int:
    return int(row.id)


class OutboxRelay:
    """Moves outbox rows to the bus in batches.

    Every worker of a service runs a relay, but one publishes at a time: a batch is published
    under an advisory lock on the service's database, so a claim's later event can never reach
    the bus before an earlier one another relay is still publishing. A relay that finds the lock
    taken does nothing this turn. A relay killed mid-batch releases the lock with its connection.

    With ``keep_published`` set, published rows are kept that long (the in-process bus replays
    them after a restart, the inbox absorbs the repeats); otherwise they are deleted at once.
    ``before_commit`` (fault injection for crash tests) runs between a batch's publish and the
    commit that marks it relayed.
    """

    def __init__(
        self,
        *,
        database: Database,
        bus: EventBus,
        tracer: trace.Tracer,
        batch_size: int = 500,
        poll_interval: float = 0.5,
        keep_published: timedelta | None = None,
        metrics: PlatformMetrics | None = None,
    ) -> None:
        self._database = database
        self._bus = bus
        self._tracer = tracer
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._keep = keep_published
        self._wake = asyncio.Event()
        self._metrics = metrics
        self.before_commit: Callable[[int], Awaitable[None]] | None = None
        self.commit_signal = CommitSignal(
            database.engine.url, self.wake, own=origin(database.engine.sync_engine)
        )
        self._claim = claim_batch(batch_size, keep=keep_published is not None)

    def wake(self) -> None:
        """Look at the outbox now instead of at the next poll."""
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish one batch; return how many rows it moved."""
        with suppress_instrumentation():
            async with self._database.session() as session:
                rows = sorted((await session.execute(self._claim)).all(), key=_by_id)
                if not rows:
                    return 0
                await self._bus.publish([self._message(row) for row in rows])
                self._count_published(rows)
                if self.before_commit is not None:
                    await self.before_commit(len(rows))
            return len(rows)

    def _count_published(self, rows: Sequence[Relayed]) -> None:
        if self._metrics is None:
            return
        for event_type, count in Counter(row.event_type for row in rows).items():
            self._metrics.published.add(count, {"event_type": event_type})

    async def observe_backlog(self) -> None:
        """Refresh the backlog gauges (unpublished rows, age of the oldest)."""
        with suppress_instrumentation():
            if self._metrics is None:
                return
            async with self._database.session() as session:
                count, age = await backlog(session)
            self._metrics.outbox_backlog.set(count)
            self._metrics.outbox_oldest_age.set(age)

    def _message(self, row: Relayed) -> Message:
        """The bus message of one row, sent in a PRODUCER span that is a child of the span
        that published the event; consumers continue from it."""
        headers = {k: v for k, v in row.headers}
        span = self._tracer.start_span(
            f"send {row.topic}",
            context=context_from_headers(headers),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "send",
                "messaging.destination.name": row.topic,
                "messaging.kafka.message.key": row.key,
                "messaging.message.id": row.event_id,
                "cloudevents.event_type": row.event_type,
            },
        )
        span.end()  # it marks when the relay handed the event over (not made current: cheaper)
        headers.update(current_trace_headers(trace.set_span_in_context(span)))
        return Message(
            topic=row.topic,
            key=row.key.encode(),
            value=row.payload,
            headers=[(k, v.encode()) for k, v in headers.items()],
        )

    async def replay_kept(self) -> int:
        """Publish again every kept row (after a restart of an in-process bus)."""
        if self._keep is None:
            return 0
        async with self._database.session() as session:
            await prune_published(session, older_than=self._keep)
            rows = (
                await session.execute(
                    select(*RELAYED)
                    .where(OutboxRecord.published_at.is_not(None))
                    .order_by(OutboxRecord.id)
                )
            ).all()
            await self._bus.publish([self._message(row) for row in rows])
        return len(rows)

    async def run(self) -> None:
        """Relay until cancelled, woken by commits that wrote outbox rows (this process's at
        once, the others' by their notification; polling as well); back off while the bus or
        database is unreachable."""
        listener = asyncio.create_task(self.commit_signal.run(), name="outbox-commit-signal")
        local = outbox_staging.on_commit(self._database.engine.sync_engine, self.wake)
        try:
            await self._relay_forever()
        finally:
            local()
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    async def _relay_forever(self) -> None:
        failures = 0
        while True:
            try:
                moved = await self.relay_once()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = min(0.2 * 2**failures, 10.0)
                log.warning("outbox relay failed (%s); retrying in %.1fs", exc, delay)
                await self._idle(delay)  # a commit signal (the database is back) ends it early
                continue
            if moved < self._batch_size:
                await self._idle(self._poll_interval)

    async def _idle(self, seconds: float) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11, wait_for returns normally when it is
        # cancelled in the turn its awaitable finishes, and the relay would never stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()


async def prune_published(session: AsyncSession, *, older_than: timedelta) -> int:
    """Delete rows published more than ``older_than`` ago; unpublished rows always stay."""
    result = await session.execute(
        delete(OutboxRecord).where(OutboxRecord.published_at < func.now() - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def backlog(session: AsyncSession) -> tuple[int, float]:
    """Unpublished rows and the age in seconds of the oldest one."""
    count, oldest = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(
                    func.extract("epoch", func.now() - func.min(OutboxRecord.created_at)), 0
                ),
            ).where(OutboxRecord.published_at.is_(None))
        )
    ).one()
    return int(count), float(oldest)
