"""Write events through the caller's session; a relay publishes them to the bus."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.trace import SpanKind
from sqlalchemy import (
    BigInteger,
    Row,
    Select,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from claimflow_shared.bus import EventBus, Message
from claimflow_shared.db import Database
from claimflow_shared.errors import is_connection_error
from claimflow_shared.events import Envelope, Event
from claimflow_shared.messaging import outbox_staging
from claimflow_shared.messaging.models import OutboxRecord
from claimflow_shared.messaging.outbox_wake import CommitSignal
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
"""The session-level advisory lock the service's publishing relay holds (its leadership)."""


def _turn(size: int, *, keep: bool) -> Select[int, str, str, str, str, list[list[str]], bytes]:
    """One statement: forget the rows of ``:done``, published by the turn before (``keep``:
    mark them published), and read the oldest ``size`` unpublished rows after them. Both parts
    see the same snapshot, so the read leaves ``:done`` out itself."""
    done = bindparam("done", type_=ARRAY(BigInteger))
    published = OutboxRecord.id == func.any(done)
    forget = (
        update(OutboxRecord).where(published).values(published_at=func.now())
        if keep
        else delete(OutboxRecord).where(published)
    )
    return (
        select(*RELAYED)
        .add_cte(forget.cte("forgotten"))
        .where(OutboxRecord.published_at.is_(None), OutboxRecord.id != func.all(done))
        .order_by(OutboxRecord.id)
        .limit(size)
    )


def _by_id(row: Relayed) -> int:
    return int(row.id)


class OutboxRelay:
    """Moves outbox rows to the bus in batches.

    Every worker of a service runs a relay, but one publishes: the relay holding the
    session-level advisory lock ``RELAY_LOCK`` on a connection it keeps (ADR 22), so a claim's
    later event can never reach the bus before an earlier one another relay is still
    publishing. The others try for the lock at every poll, and one takes over within a poll of
    the leader's connection closing (a killed worker's closes with its process).

    A turn is one statement outside any transaction, then the publish: the statement deletes
    the rows the turn before published (``keep_published``: marks them published; the
    in-process bus replays them after a restart, the inbox absorbs the repeats) and reads the
    oldest unpublished ones. Rows published but not yet deleted when a relay dies are published
    again by the next, as a rolled-back batch was before. ``before_commit`` (fault injection
    for crash tests) runs between a batch's publish and the turn that deletes it.
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
        self.commit_signal = CommitSignal(database.engine.url, self.wake)
        self._turn = _turn(batch_size, keep=keep_published is not None)
        self._lead: AsyncConnection | None = None
        self._published: list[int] = []

    def wake(self) -> None:
        """Look at the outbox now instead of at the next poll."""
        self._wake.set()

    @property
    def leading(self) -> bool:
        """Whether this relay holds the lock: the one that publishes."""
        return self._lead is not None

    async def relay_once(self) -> int:
        """Forget the batch the turn before published and publish the next; return how many
        rows it published (none while another relay leads)."""
        with suppress_instrumentation():
            connection = self._lead or await self._take_the_lead()
            if connection is None:
                return 0
            try:
                result = await connection.execute(self._turn, {"done": self._published})
                self._published = []
                rows = sorted(result.all(), key=_by_id)
                if not rows:
                    return 0
                await self._bus.publish([self._message(row) for row in rows])
                self._count_published(rows)
                if self.before_commit is not None:
                    await self.before_commit(len(rows))
                self._published = [row.id for row in rows]
            except BaseException as exc:
                if not isinstance(exc, Exception) or is_connection_error(exc):
                    await self._step_down(broken=True)
                raise
            return len(rows)

    async def _take_the_lead(self) -> AsyncConnection | None:
        """Take the lock on an autocommit connection kept for it; None when another has it."""
        connection = await self._database.engine.connect()
        try:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = await connection.scalar(select(func.pg_try_advisory_lock(RELAY_LOCK)))
        except BaseException:
            await connection.invalidate()
            raise
        if not taken:
            await connection.close()
            return None
        self._lead = connection
        return connection

    async def _step_down(self, *, broken: bool = False) -> None:
        """Give the lock up, once the last batch is forgotten. A connection in doubt is
        closed, which frees the lock server-side; a pooled connection must never keep it."""
        connection, self._lead = self._lead, None
        if connection is None:
            return
        try:
            if not broken:
                if self._published:
                    await connection.execute(self._turn.limit(0), {"done": self._published})
                await connection.scalar(select(func.pg_advisory_unlock(RELAY_LOCK)))
                await connection.close()
                return
        except Exception as exc:
            log.debug("outbox relay lock not released cleanly: %s", exc)
        finally:
            self._published = []
        await connection.invalidate()
        await connection.close()

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
                count, age = await backlog(session, self._published)
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
        database is unreachable. A relay that does not lead only tries for the lock at each
        poll: every commit's wake would be a round trip for nothing."""
        listener = asyncio.create_task(self.commit_signal.run(), name="outbox-commit-signal")
        local = outbox_staging.on_commit(self._database.engine.sync_engine, self.wake)
        try:
            await self._relay_forever()
        finally:
            local()
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
            await asyncio.shield(self.close())

    async def close(self) -> None:
        """Give the lead up (another relay takes it at its next poll)."""
        await self._step_down()

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
            if not self.leading:
                await asyncio.sleep(self._poll_interval)
                self._wake.clear()
            elif moved < self._batch_size:
                # the rows just published go with the next turn: the next wake (under load,
                # at once), the next poll, or the close at shutdown
                await self._idle(self._poll_interval)

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()


async def prune_published(session: AsyncSession, *, older_than: timedelta) -> int:
    """Delete rows published more than ``older_than`` ago; unpublished rows always stay."""
    result = await session.execute(
        delete(OutboxRecord).where(OutboxRecord.published_at < func.now() - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def backlog(session: AsyncSession, published: Sequence[int] = ()) -> tuple[int, float]:
    """Unpublished rows and the age in seconds of the oldest one; ``published`` are rows
    published already that their relay's next turn deletes (another process's relay cannot
    know them: its figure may count a batch or so more)."""
    count, oldest = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(
                    func.extract("epoch", func.now() - func.min(OutboxRecord.created_at)), 0
                ),
            ).where(
                OutboxRecord.published_at.is_(None),
                OutboxRecord.id != func.all(bindparam("published", type_=ARRAY(BigInteger))),
            ),
            {"published": list(published)},
        )
    ).one()
    return int(count), float(oldest)
