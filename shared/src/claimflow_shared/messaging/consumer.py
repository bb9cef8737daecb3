"""Run event handlers: one transaction per event, inbox dedup, retries, then a dead letter."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.bus import EventBus, Message, dlq_topic
from claimflow_shared.db import Database
from claimflow_shared.errors import is_connection_error
from claimflow_shared.events import REGISTRY, Envelope, Event, MalformedEvent
from claimflow_shared.messaging import inbox, outbox
from claimflow_shared.observability.metrics import PlatformMetrics
from claimflow_shared.redaction import describe
from claimflow_shared.runtime import Runtime
from claimflow_shared.telemetry import context_from_headers

log = logging.getLogger(__name__)

TRACE_HEADERS = frozenset({"traceparent", "tracestate", "baggage"})
"""The headers that carry trace context (the rest are the CloudEvent's)."""

DLQ_HEADERS = (
    "dlq-error",
    "dlq-error-type",
    "dlq-consumer",
    "dlq-attempts",
    "dlq-failed-at",
    "dlq-original-topic",
    "dlq-original-partition",
    "dlq-original-offset",
)


@dataclass(frozen=True, slots=True)
class HandlerContext:
    """What a handler gets besides the event: the transaction and the envelope."""

    session: AsyncSession
    envelope: Envelope
    span: trace.Span

    def publish(self, event: Event) -> Envelope:
        """Publish through the outbox, atomically with the handler's effect, in the trace of
        the event being handled."""
        return outbox.publish(self.session, event, context=trace.set_span_in_context(self.span))


EventHandler = Callable[[HandlerContext, Any], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class BatchHandler:
    """A handler that takes consecutive events at once, to do set-based work: one locked read
    of every row the events touch, one flush for all their writes.

    ``apply`` gets ``(context, event)`` pairs in delivery order (each partition's events in
    their order), all in one transaction, and only first deliveries. It must give the same
    result as applying them one at a time, which is what happens after a batch fails.

    ``wants`` tells the events it would do nothing with, from the event alone: those are
    skipped like a type without a handler, with no inbox row and no span.
    """

    apply: Callable[[Sequence[tuple[HandlerContext, Any]]], Awaitable[None]]
    wants: Callable[[Any], bool] | None = None

    async def __call__(self, ctx: HandlerContext, event: Any) -> None:
        """Handle one event (a run of one)."""
        await self.apply([(ctx, event)])


Handler = EventHandler | BatchHandler

_Item = tuple[Message, Envelope, Handler, Any]
"""A message to apply, its envelope, its handler, and its event when ``wants`` decoded it
already (``None`` otherwise): passed along, not kept on the envelope, so a batch holds no
decoded event longer than its handler needs it."""


class EventConsumer:
    """A consumer group: decodes envelopes, dedups through the inbox, retries, dead-letters.

    Known types it has no handler for are skipped; a type no contract is registered for (a
    version this build cannot read) is dead-lettered, to be replayed once a build knows it.
    Failures that mean the database is unreachable are never dead-lettered: they go back to the
    bus, which delivers the event again once things recover.
    """

    def __init__(
        self,
        *,
        name: str,
        database: Database,
        bus: EventBus,
        tracer: trace.Tracer,
        handlers: Mapping[str, Handler],
        topics: Sequence[str],
        max_attempts: int = 4,
        backoff: float = 0.2,
        before_commit: Callable[[Envelope], Awaitable[None]] | None = None,
        metrics: PlatformMetrics | None = None,
    ) -> None:
        self.name = name
        self.topics = list(topics)
        self._database = database
        self._bus = bus
        self._tracer = tracer
        self._handlers = dict(handlers)
        self._max_attempts = max_attempts
        self._backoff = backoff
        self.before_commit = before_commit
        self._metrics = metrics

    async def run(self) -> None:
        """Consume until cancelled."""
        await self._bus.consume(group=self.name, topics=self.topics, handler=self.handle_batch)

    async def handle(self, message: Message) -> None:
        """Apply one message at most once; raise only when it must be delivered again."""
        await self.handle_batch([message])

    async def handle_batch(self, messages: Sequence[Message]) -> None:
        """Apply a batch (one fetch: consecutive messages of one or more partitions) in one
        transaction.

        Should any of them fail, the transaction is rolled back and each is applied on its own
        (with retries, then a dead letter), so one bad event costs its batch only time.
        """
        pending: list[_Item] = []
        for message in messages:
            if self._passes_by(message.header("ce_type")):
                continue
            try:
                envelope = Envelope.from_message(
                    key=message.key, value=message.value, headers=message.headers
                )
                handler = self._handlers.get(envelope.type)
                wants = handler.wants if isinstance(handler, BatchHandler) else None
                decoded = envelope.event() if wants is not None else None
                if wants is not None and not wants(decoded):
                    continue
            except MalformedEvent as exc:
                await self._dead_letter(message, exc, attempts=1)
                continue
            if handler is not None:
                pending.append((message, envelope, handler, decoded))
            elif not REGISTRY.knows(envelope.type):
                unknown = MalformedEvent(f"no contract for event type {envelope.type!r}")
                await self._dead_letter(message, unknown, attempts=1)
        if len(pending) == 1:
            await self._handle_one(*pending[0])
        elif pending:
            await self._apply_together(pending)

    def _passes_by(self, event_type: str | None) -> bool:
        """Whether a message is of a known type this consumer has no handler for: skipped
        from its header, without reading the rest."""
        return (
            event_type is not None
            and event_type not in self._handlers
            and REGISTRY.knows(event_type)
        )

    async def _apply_together(self, items: list[_Item]) -> None:
        try:
            async with self._database.session() as session:
                fresh = await inbox.first_deliveries(
                    session,
                    consumer=self.name,
                    events=[(envelope.id, envelope.type) for _, envelope, _, _ in items],
                )
                for run in _runs(items):
                    handler = run[0][2]
                    if isinstance(handler, BatchHandler):
                        await self._run_batch(session, handler, run, fresh)
                        continue
                    for message, envelope, _, decoded in run:
                        with self._span(message, envelope) as span:
                            first = envelope.id in fresh
                            fresh.discard(envelope.id)  # a repeat inside the batch is a duplicate
                            await self._run_handler(
                                session, envelope, handler, span, first=first, decoded=decoded
                            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_connection_error(exc):
                raise
            log.info(
                "%s: a batch of %d failed (%s); applying one by one",
                self.name,
                len(items),
                describe(exc),
            )
            for item in items:
                await self._handle_one(*item)
            return
        for event_type, count in Counter(item[1].type for item in items).items():
            self._count("consumed", event_type, count)

    async def _run_batch(
        self,
        session: AsyncSession,
        handler: BatchHandler,
        run: list[_Item],
        fresh: set[str],
    ) -> None:
        """Apply a run of events with one call: each keeps its own span, child of its
        producer's; the call itself runs in a batch span linked to all of them."""
        spans = [self._start_span(message, envelope) for message, envelope, _, _ in run]
        try:
            work = []
            for span, (_, envelope, _, decoded) in zip(spans, run, strict=True):
                if envelope.id in fresh:
                    fresh.discard(envelope.id)
                    event = decoded if decoded is not None else envelope.event()
                    work.append((HandlerContext(session, envelope, span), event))
                else:
                    span.set_attribute("claimflow.duplicate", True)
            with self._tracer.start_as_current_span(
                f"process batch {' '.join(sorted({item[0].topic for item in run}))}",
                links=[trace.Link(span.get_span_context()) for span in spans],
                attributes={"messaging.batch.message_count": len(run)},
            ):
                if work:
                    await handler.apply(work)
            if self.before_commit is not None:
                for _, envelope, _, _ in run:
                    await self.before_commit(envelope)
        finally:
            for span in spans:
                span.end()

    async def _run_handler(
        self,
        session: AsyncSession,
        envelope: Envelope,
        handler: Handler,
        span: trace.Span,
        *,
        first: bool | None = None,
        decoded: Any = None,
    ) -> None:
        """Record the event in the inbox (unless ``first`` says it was) and, the first time,
        let the handler act (on ``decoded``, when the event was decoded already)."""
        event = decoded if decoded is not None else envelope.event()
        if first is None:
            first = await inbox.first_delivery(
                session, consumer=self.name, event_id=envelope.id, event_type=envelope.type
            )
        if first:
            await handler(HandlerContext(session, envelope, span), event)
        else:
            span.set_attribute("claimflow.duplicate", True)
        if self.before_commit is not None:
            await self.before_commit(envelope)

    def _span(self, message: Message, envelope: Envelope) -> Any:
        """The event's CONSUMER span, current inside the block."""
        return trace.use_span(self._start_span(message, envelope), end_on_exit=True)

    def _start_span(self, message: Message, envelope: Envelope) -> trace.Span:
        """The event's CONSUMER span, a child of its producer's, started but not current."""
        parent = context_from_headers(
            {k: v.decode("latin-1") for k, v in message.headers if k in TRACE_HEADERS}
        )
        return self._tracer.start_span(
            f"process {message.topic}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes=_span_attributes(message, envelope, self.name),
        )

    async def _handle_one(
        self, message: Message, envelope: Envelope, handler: Handler, decoded: Any = None
    ) -> None:
        with self._span(message, envelope) as span:
            await self._apply(message, envelope, handler, span, decoded)

    async def _apply(
        self,
        message: Message,
        envelope: Envelope,
        handler: Handler,
        span: trace.Span,
        decoded: Any = None,
    ) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                async with self._database.session() as session:
                    await self._run_handler(session, envelope, handler, span, decoded=decoded)
                self._count("consumed", envelope.type)
                return
            except MalformedEvent as exc:
                span.set_status(Status(StatusCode.ERROR, describe(exc)))
                await self._dead_letter(message, exc, attempts=attempt)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                span.add_event(
                    "exception",
                    {"exception.type": type(exc).__name__, "exception.message": describe(exc)},
                )
                self._count("failed", envelope.type)
                if is_connection_error(exc):
                    span.set_status(Status(StatusCode.ERROR, "database unavailable"))
                    raise
                if attempt == self._max_attempts:
                    span.set_status(Status(StatusCode.ERROR, describe(exc)))
                    await self._dead_letter(message, exc, attempts=attempt)
                    return
                log.warning(
                    "%s: %s failed (attempt %d): %s",
                    self.name,
                    envelope.type,
                    attempt,
                    describe(exc),
                )
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))

    def _count(self, what: str, event_type: str, count: int = 1) -> None:
        if self._metrics is not None:
            counter = self._metrics.consumed if what == "consumed" else self._metrics.failed
            counter.add(count, {"event_type": event_type, "consumer_group": self.name})

    async def _dead_letter(self, message: Message, exc: BaseException, *, attempts: int) -> None:
        """Park the message on ``<topic>.dlq`` with the error in its headers."""
        if self._metrics is not None:
            self._metrics.dead_letters.add(1, {"topic": message.topic})
        log.error(
            "%s: dead-lettering %s@%s: %s", self.name, message.topic, message.offset, describe(exc)
        )
        extra = {
            "dlq-error": describe(exc)[:1000],
            "dlq-error-type": type(exc).__name__,
            "dlq-consumer": self.name,
            "dlq-attempts": str(attempts),
            "dlq-failed-at": datetime.now(UTC).isoformat(),
            "dlq-original-topic": message.topic,
            "dlq-original-partition": str(message.partition),
            "dlq-original-offset": str(message.offset),
        }
        headers = [(k, v) for k, v in message.headers if k not in DLQ_HEADERS]
        headers += [(k, v.encode()) for k, v in extra.items()]
        await self._bus.publish([message.to(dlq_topic(message.topic), headers=headers)])


def _runs(items: list[_Item]) -> list[list[_Item]]:
    """Items cut where the handler changes: a batch handler gets every consecutive event it
    handles at once, and no event is applied before one delivered ahead of it."""
    runs: list[list[_Item]] = []
    for item in items:
        if runs and runs[-1][0][2] is item[2]:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _span_attributes(message: Message, envelope: Envelope, group: str) -> dict[str, Any]:
    return {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": message.topic,
        "messaging.destination.partition.id": str(message.partition),
        "messaging.kafka.offset": message.offset,
        "messaging.kafka.message.key": envelope.key,
        "messaging.consumer.group.name": group,
        "messaging.message.id": envelope.id,
        "cloudevents.event_type": envelope.type,
    }


def consumer_for(runtime: Runtime, *, name: str, handlers: Mapping[str, Handler]) -> EventConsumer:
    """A consumer on ``runtime`` whose topics are those of the handled event types."""
    topics = sorted({REGISTRY.resolve(t).topic for t in handlers})
    return EventConsumer(
        name=name,
        database=runtime.database,
        bus=runtime.bus,
        tracer=runtime.telemetry.tracer,
        handlers=handlers,
        topics=topics,
        max_attempts=runtime.settings.consumer_max_attempts,
        backoff=runtime.settings.consumer_backoff_seconds,
        metrics=runtime.telemetry.metrics,
    )
