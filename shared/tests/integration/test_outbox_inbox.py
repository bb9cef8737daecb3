"""Outbox relay and event consumers on a real PostgreSQL and the in-process bus."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import func, select, text

from claimflow_shared.bus import Message
from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.db import Database, connect
from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import ClaimStatusChanged
from claimflow_shared.messaging import outbox
from claimflow_shared.messaging.consumer import BatchHandler, EventConsumer, HandlerContext
from claimflow_shared.messaging.models import InboxRecord, OutboxRecord
from claimflow_shared.messaging.outbox import OutboxRelay
from claimflow_shared.telemetry import current_trace_headers

TRACER = TracerProvider().get_tracer("test")


def event(claim_id: str = "c-1") -> ClaimStatusChanged:
    return ClaimStatusChanged(
        claim_id=claim_id,
        tenant_id="t",
        from_status=None,
        to_status="received",
        reason="test",
        changed_at=datetime.now(UTC),
    )


def as_message(envelope: Envelope, offset: int = 0) -> Message:
    return Message(
        topic="claims.events",
        key=envelope.key.encode(),
        value=envelope.data,
        headers=envelope.headers(),
        partition=0,
        offset=offset,
    )


async def effects(database: Database) -> list[str]:
    async with database.session() as session:
        return list((await session.scalars(text("SELECT event_id FROM effects"))).all())


def consumer(
    database: Database, bus: MemoryBus, handler, attempts: int = 3, tracer=TRACER
) -> EventConsumer:  # type: ignore[no-untyped-def]
    return EventConsumer(
        name="test.consumer",
        database=database,
        bus=bus,
        tracer=tracer,
        handlers={ClaimStatusChanged.type: handler},
        topics=["claims.events"],
        max_attempts=attempts,
        backoff=0.001,
    )


async def record_effect(ctx: HandlerContext, _: ClaimStatusChanged) -> None:
    await ctx.session.execute(
        text("INSERT INTO effects VALUES (:id, 'ok')"), {"id": ctx.envelope.id}
    )


class RefusingBus(MemoryBus):
    """A bus whose broker is away."""

    async def publish(self, messages: Sequence[Message]) -> None:
        raise ConnectionError("broker unreachable")


async def commit_and_see_it_relayed(database: Database, bus: MemoryBus) -> None:
    """Commit one event; return once a relay has put it on the bus (failing after 5 s)."""
    async with database.session() as session:
        outbox.publish(session, event("woken"))
    async with asyncio.timeout(5):
        while not await bus.read_all("claims.events"):
            await asyncio.sleep(0.02)


class TestOutbox:
    async def test_relay_publishes_committed_rows_and_deletes_them(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus(partitions=1)
        async with platform_db.session() as session:
            envelope = outbox.publish(session, event())
        relay = OutboxRelay(database=platform_db, bus=bus, tracer=TRACER)
        assert await relay.relay_once() == 1
        [published] = await bus.read_all("claims.events")
        assert published.header("ce_id") == envelope.id and published.key == b"c-1"
        assert published.header("traceparent") is not None
        async with platform_db.session() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxRecord)) == 0

    async def test_a_batch_the_bus_refused_stays_for_the_next_turn_in_order(
        self, platform_db: Database
    ) -> None:
        """The relay deletes its batch before it publishes it; a failed publish must put the
        rows back, oldest first."""
        async with platform_db.session() as session:
            sent = [outbox.publish(session, event(f"c-{i}")).id for i in range(5)]
        broken = OutboxRelay(database=platform_db, bus=RefusingBus(), tracer=TRACER)
        with pytest.raises(ConnectionError):
            await broken.relay_once()
        bus = MemoryBus(partitions=1)
        assert await OutboxRelay(database=platform_db, bus=bus, tracer=TRACER).relay_once() == 5
        assert [m.header("ce_id") for m in await bus.read_all("claims.events")] == sent

    async def test_rolled_back_rows_are_never_published(self, platform_db: Database) -> None:
        bus = MemoryBus(partitions=1)
        with pytest.raises(RuntimeError):
            async with platform_db.session() as session:
                outbox.publish(session, event())
                raise RuntimeError("the change failed")
        assert await OutboxRelay(database=platform_db, bus=bus, tracer=TRACER).relay_once() == 0

    async def test_a_rolled_back_savepoint_drops_only_what_it_published(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus(partitions=1)
        async with platform_db.session() as session:
            outbox.publish(session, event("before"))
            with pytest.raises(RuntimeError):
                async with session.begin_nested():
                    outbox.publish(session, event("inside-failed"))
                    raise RuntimeError("the nested change failed")
            async with session.begin_nested():
                outbox.publish(session, event("inside-kept"))
            outbox.publish(session, event("after"))
        assert await OutboxRelay(database=platform_db, bus=bus, tracer=TRACER).relay_once() == 3
        published = await bus.read_all("claims.events")
        assert [m.key for m in published] == [b"before", b"inside-kept", b"after"]

    async def test_an_inner_savepoint_released_inside_a_rolled_back_one_keeps_the_rest(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus(partitions=1)
        async with platform_db.session() as session:
            outbox.publish(session, event("before"))
            with pytest.raises(RuntimeError):
                async with session.begin_nested():
                    outbox.publish(session, event("outer"))
                    async with session.begin_nested():
                        outbox.publish(session, event("inner"))
                    raise RuntimeError("the outer nested change failed")
            outbox.publish(session, event("after"))
        assert await OutboxRelay(database=platform_db, bus=bus, tracer=TRACER).relay_once() == 2
        published = await bus.read_all("claims.events")
        assert [m.key for m in published] == [b"before", b"after"]

    async def test_a_published_event_is_written_only_by_the_commit(
        self, platform_db: Database
    ) -> None:
        async with platform_db.session() as session:
            outbox.publish(session, event())
            await session.flush()
            assert await session.scalar(select(func.count()).select_from(OutboxRecord)) == 0
        async with platform_db.session() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxRecord)) == 1

    async def test_another_process_commit_wakes_the_relay_long_before_its_next_poll(
        self, platform_db: Database
    ) -> None:
        """The relay's own engine never sees the commit: only the notification can wake it."""
        bus = MemoryBus(partitions=1)
        elsewhere = connect(str(platform_db.engine.url.render_as_string(hide_password=False)))
        relay = OutboxRelay(database=elsewhere, bus=bus, tracer=TRACER, poll_interval=60)
        running = asyncio.create_task(relay.run())
        try:
            await asyncio.wait_for(relay.commit_signal.listening.wait(), 10)
            await asyncio.sleep(0.3)  # the catch-up look at connecting is over: idle for 60 s
            await commit_and_see_it_relayed(platform_db, bus)
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await elsewhere.dispose()

    async def test_a_commit_in_the_relays_process_wakes_it_without_the_server(
        self, platform_db: Database
    ) -> None:
        """No notification comes (the listener never connects): the commit itself wakes it."""
        bus = MemoryBus(partitions=1)
        relay = OutboxRelay(database=platform_db, bus=bus, tracer=TRACER, poll_interval=60)
        relay.commit_signal.run = asyncio.Event().wait  # type: ignore[method-assign]
        running = asyncio.create_task(relay.run())
        try:
            await asyncio.sleep(0.3)  # its first look is over: idle for 60 s
            await commit_and_see_it_relayed(platform_db, bus)
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    async def test_the_notification_of_a_commit_that_woke_the_relay_directly_is_let_pass(
        self, platform_db: Database
    ) -> None:
        """The commit wakes its own process's relay at once; the notification that comes back
        from the server afterwards must not make it look at the emptied outbox again. The
        notifications of other engines still wake it (``test_another_process_commit_…``)."""
        bus = MemoryBus(partitions=1)
        relay = OutboxRelay(database=platform_db, bus=bus, tracer=TRACER, poll_interval=60)
        turns: list[int] = []
        relay_once = relay.relay_once

        async def counted() -> int:
            turns.append(await relay_once())
            return turns[-1]

        relay.relay_once = counted  # type: ignore[method-assign]
        running = asyncio.create_task(relay.run())
        try:
            await asyncio.wait_for(relay.commit_signal.listening.wait(), 10)
            await asyncio.sleep(0.3)  # the catch-up looks are over: idle for 60 s
            turns.clear()
            await commit_and_see_it_relayed(platform_db, bus)
            await asyncio.sleep(0.5)  # the notification has long come back
            assert turns == [1]
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    async def test_a_relay_cancelled_as_a_commit_wakes_it_stops(
        self, platform_db: Database
    ) -> None:
        """The wake-up and the cancellation arrive in the same turn of the loop: the
        cancellation must not be lost (it was, through ``asyncio.wait_for`` on Python 3.11,
        and the worker never stopped)."""
        relay = OutboxRelay(
            database=platform_db, bus=MemoryBus(partitions=1), tracer=TRACER, poll_interval=60
        )
        relay.commit_signal.run = asyncio.Event().wait  # type: ignore[method-assign]
        running = asyncio.create_task(relay.run())
        await asyncio.sleep(0.3)  # its first look is over: idle for 60 s
        relay.wake()
        running.cancel()
        done, _ = await asyncio.wait([running], timeout=5)
        if not done:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
        assert running in done and running.cancelled()

    async def test_concurrent_relays_never_publish_a_row_twice(self, platform_db: Database) -> None:
        bus = MemoryBus(partitions=3)
        async with platform_db.session() as session:
            for i in range(600):
                outbox.publish(session, event(f"c-{i}"))
        relays = [
            OutboxRelay(database=platform_db, bus=bus, tracer=TRACER, batch_size=50)
            for _ in range(3)
        ]

        async def drain(relay: OutboxRelay) -> None:
            while await relay.relay_once():
                pass

        await asyncio.gather(*(drain(r) for r in relays))
        ids = [m.header("ce_id") for m in await bus.read_all("claims.events")]
        assert len(ids) == 600 and len(set(ids)) == 600

    async def test_kept_rows_are_replayed_after_a_restart(self, platform_db: Database) -> None:
        async with platform_db.session() as session:
            envelope = outbox.publish(session, event())
        first = OutboxRelay(
            database=platform_db, bus=MemoryBus(), tracer=TRACER, keep_published=timedelta(hours=1)
        )
        await first.relay_once()
        restarted_bus = MemoryBus()
        restarted = OutboxRelay(
            database=platform_db,
            bus=restarted_bus,
            tracer=TRACER,
            keep_published=timedelta(hours=1),
        )
        assert await restarted.replay_kept() == 1
        assert [m.header("ce_id") for m in await restarted_bus.read_all("claims.events")] == [
            envelope.id
        ]


class TestConsumer:
    async def test_a_redelivered_event_has_one_effect(self, platform_db: Database) -> None:
        bus = MemoryBus()
        message = as_message(Envelope.wrap(event()))
        handle = consumer(platform_db, bus, record_effect).handle
        await handle(message)
        await handle(message)
        assert len(await effects(platform_db)) == 1

    async def test_transient_failures_are_retried_without_dead_letter(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus()
        calls = 0

        async def flaky(ctx: HandlerContext, e: ClaimStatusChanged) -> None:
            nonlocal calls
            calls += 1
            await record_effect(ctx, e)
            if calls < 3:
                raise RuntimeError("transient")

        await consumer(platform_db, bus, flaky, attempts=4).handle(
            as_message(Envelope.wrap(event()))
        )
        assert calls == 3
        assert len(await effects(platform_db)) == 1
        assert await bus.read_all("claims.events.dlq") == []

    async def test_a_failing_event_is_dead_lettered_with_its_error(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus()

        async def broken(ctx: HandlerContext, e: ClaimStatusChanged) -> None:
            await record_effect(ctx, e)
            raise ValueError("no such payer")

        envelope = Envelope.wrap(event())
        await consumer(platform_db, bus, broken).handle(as_message(envelope, offset=42))
        [letter] = await bus.read_all("claims.events.dlq")
        assert letter.header("ce_id") == envelope.id
        assert letter.header("dlq-error") == "no such payer"
        assert letter.header("dlq-error-type") == "ValueError"
        assert letter.header("dlq-attempts") == "3"
        assert letter.header("dlq-original-offset") == "42"
        assert await effects(platform_db) == []
        async with platform_db.session() as session:
            assert await session.scalar(select(func.count()).select_from(InboxRecord)) == 0

    async def test_malformed_messages_go_straight_to_the_dead_letter_topic(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus()
        garbage = Message(
            topic="claims.events", value=b"\x00\xff", key=b"k", headers=[("ce_type", b"x")]
        )
        await consumer(platform_db, bus, record_effect).handle(garbage)
        [letter] = await bus.read_all("claims.events.dlq")
        assert "missing CloudEvents headers" in (letter.header("dlq-error") or "")

    async def test_an_unreachable_database_is_not_a_dead_letter(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus()

        async def database_gone(ctx: HandlerContext, e: ClaimStatusChanged) -> None:
            raise ConnectionRefusedError("connection refused")

        with pytest.raises(ConnectionRefusedError):
            await consumer(platform_db, bus, database_gone).handle(
                as_message(Envelope.wrap(event()))
            )
        assert await bus.read_all("claims.events.dlq") == []

    async def test_events_it_does_not_handle_are_skipped(self, platform_db: Database) -> None:
        bus = MemoryBus()
        other = Envelope.wrap(event())
        headers = [
            (k, b"claims.claim.submitted.v1" if k == "ce_type" else v) for k, v in other.headers()
        ]
        message = Message(topic="claims.events", value=b"{}", key=b"k", headers=headers)
        await consumer(platform_db, bus, record_effect).handle(message)
        assert await effects(platform_db) == []
        assert await bus.read_all("claims.events.dlq") == []

    async def test_a_type_no_contract_knows_is_dead_lettered(self, platform_db: Database) -> None:
        bus = MemoryBus()
        newer = Envelope.wrap(event())
        headers = [
            (k, b"claims.claim.status_changed.v9" if k == "ce_type" else v)
            for k, v in newer.headers()
        ]
        message = Message(topic="claims.events", value=newer.data, key=b"k", headers=headers)
        await consumer(platform_db, bus, record_effect).handle(message)
        assert await effects(platform_db) == []
        [letter] = await bus.read_all("claims.events.dlq")
        assert letter.header("ce_id") == newer.id
        assert "claims.claim.status_changed.v9" in (letter.header("dlq-error") or "")


class TestBatches:
    async def test_a_batch_is_applied_with_one_effect_per_event(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus()
        envelopes = [Envelope.wrap(event(f"c-{i}")) for i in range(5)]
        batch = [as_message(e, offset=i) for i, e in enumerate(envelopes)]
        handle = consumer(platform_db, bus, record_effect).handle_batch
        await handle(batch)
        await handle(batch)
        assert sorted(await effects(platform_db)) == sorted(e.id for e in envelopes)

    async def test_an_event_twice_in_one_batch_has_one_effect(self, platform_db: Database) -> None:
        bus = MemoryBus()
        envelopes = [Envelope.wrap(event(f"c-{i}")) for i in range(3)]
        batch = [as_message(e, offset=i) for i, e in enumerate([*envelopes, envelopes[1]])]
        await consumer(platform_db, bus, record_effect).handle_batch(batch)
        assert sorted(await effects(platform_db)) == sorted(e.id for e in envelopes)

    async def test_one_bad_event_does_not_cost_the_others(self, platform_db: Database) -> None:
        bus = MemoryBus()
        envelopes = [Envelope.wrap(event(f"c-{i}")) for i in range(4)]

        async def third_fails(ctx: HandlerContext, e: ClaimStatusChanged) -> None:
            if e.claim_id == "c-2":
                raise ValueError("cannot apply c-2")
            await record_effect(ctx, e)

        batch = [as_message(e, offset=i) for i, e in enumerate(envelopes)]
        await consumer(platform_db, bus, third_fails).handle_batch(batch)
        assert sorted(await effects(platform_db)) == sorted(
            e.id for e in envelopes if e.key != "c-2"
        )
        [letter] = await bus.read_all("claims.events.dlq")
        assert letter.header("ce_id") == envelopes[2].id

    async def test_a_lost_database_fails_the_whole_batch_for_redelivery(
        self, platform_db: Database
    ) -> None:
        bus = MemoryBus()

        async def database_gone(ctx: HandlerContext, e: ClaimStatusChanged) -> None:
            raise ConnectionRefusedError("connection refused")

        batch = [as_message(Envelope.wrap(event(f"c-{i}")), offset=i) for i in range(3)]
        with pytest.raises(ConnectionRefusedError):
            await consumer(platform_db, bus, database_gone).handle_batch(batch)
        assert await bus.read_all("claims.events.dlq") == []


class TestBatchHandlers:
    async def test_events_a_handler_does_not_want_leave_no_trace(
        self, platform_db: Database
    ) -> None:
        """Skipped like a type without a handler: no call, no inbox row, no span."""
        spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(spans))
        seen: list[str] = []
        asked: list[ClaimStatusChanged] = []

        async def apply(items: Sequence[tuple[HandlerContext, ClaimStatusChanged]]) -> None:
            assert all(any(e is a for a in asked) for _, e in items)  # decoded once
            seen.extend(e.claim_id for _, e in items)

        def wants(e: ClaimStatusChanged) -> bool:
            asked.append(e)
            return e.claim_id.endswith("wanted")

        handler = BatchHandler(apply, wants=wants)
        envelopes = [Envelope.wrap(event(c)) for c in ("a-wanted", "b", "c-wanted", "d")]
        name = consumer(platform_db, MemoryBus(), handler).name
        await consumer(
            platform_db, MemoryBus(), handler, tracer=provider.get_tracer("t")
        ).handle_batch([as_message(e, offset=i) for i, e in enumerate(envelopes)])

        assert seen == ["a-wanted", "c-wanted"]
        async with platform_db.session() as session:
            recorded = set(
                await session.scalars(
                    select(InboxRecord.event_id).where(InboxRecord.consumer == name)
                )
            )
        assert recorded == {envelopes[0].id, envelopes[2].id}
        traced = {
            s.attributes["messaging.message.id"]
            for s in spans.get_finished_spans()
            if s.kind is SpanKind.CONSUMER
        }
        assert traced == {envelopes[0].id, envelopes[2].id}

    async def test_consecutive_events_come_in_one_call_each_in_its_own_trace(
        self, platform_db: Database
    ) -> None:
        spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(spans))
        tracer = provider.get_tracer("test")
        calls: list[list[str]] = []

        async def apply(items: Sequence[tuple[HandlerContext, ClaimStatusChanged]]) -> None:
            calls.append([e.claim_id for _, e in items])
            for ctx, e in items:
                await record_effect(ctx, e)
                ctx.publish(event(f"answer-{e.claim_id}"))

        messages, producers = [], {}
        for i in range(4):
            with tracer.start_as_current_span(f"produce c-{i}") as producer:
                envelope = Envelope.wrap(event(f"c-{i}"))
                message = as_message(envelope, offset=i)
                headers = [
                    *message.headers,
                    *((k, v.encode()) for k, v in current_trace_headers().items()),
                ]
                messages.append(
                    Message(
                        topic=message.topic,
                        key=message.key,
                        value=message.value,
                        headers=headers,
                        partition=0,
                        offset=i,
                    )
                )
                producers[envelope.id] = producer.get_span_context()
        handle = consumer(platform_db, MemoryBus(), BatchHandler(apply), tracer=tracer).handle_batch
        await handle(messages[:1])  # c-0 applied before: a duplicate in the batch below
        await handle([*messages, messages[2]])

        assert calls == [["c-0"], ["c-1", "c-2", "c-3"]]
        assert sorted(await effects(platform_db)) == sorted(producers)
        consumed = {
            s.attributes["messaging.message.id"]: s
            for s in spans.get_finished_spans()
            if s.kind is SpanKind.CONSUMER and not s.attributes.get("claimflow.duplicate")
        }
        for event_id, producer in producers.items():
            assert consumed[event_id].parent.span_id == producer.span_id
            assert consumed[event_id].context.trace_id == producer.trace_id
        async with platform_db.session() as session:
            rows = (await session.scalars(select(OutboxRecord))).all()
        for row in rows:
            answered = row.key.removeprefix("answer-")
            [source] = [m for m in messages if m.key == answered.encode()]
            source_id = dict(source.headers)["ce_id"].decode()
            traceparent = dict(row.headers)["traceparent"]
            assert traceparent.split("-")[1] == f"{producers[source_id].trace_id:032x}"
            assert traceparent.split("-")[2] == f"{consumed[source_id].context.span_id:016x}"

    async def test_a_failed_batch_is_applied_event_by_event(self, platform_db: Database) -> None:
        bus = MemoryBus()
        calls: list[list[str]] = []

        async def apply(items: Sequence[tuple[HandlerContext, ClaimStatusChanged]]) -> None:
            calls.append([e.claim_id for _, e in items])
            for ctx, e in items:
                await record_effect(ctx, e)
                if e.claim_id == "c-1":
                    raise ValueError("cannot apply c-1")

        envelopes = [Envelope.wrap(event(f"c-{i}")) for i in range(3)]
        batch = [as_message(e, offset=i) for i, e in enumerate(envelopes)]
        await consumer(platform_db, bus, BatchHandler(apply), attempts=2).handle_batch(batch)
        assert calls == [["c-0", "c-1", "c-2"], ["c-0"], ["c-1"], ["c-1"], ["c-2"]]
        assert sorted(await effects(platform_db)) == sorted([envelopes[0].id, envelopes[2].id])
        [letter] = await bus.read_all("claims.events.dlq")
        assert letter.header("ce_id") == envelopes[1].id


class TestNoDataInErrors:
    async def test_a_database_error_is_parked_without_the_values_it_quotes(
        self, platform_db: Database, caplog: pytest.LogCaptureFixture
    ) -> None:
        bus = MemoryBus()

        async def quotes_a_member_id(ctx: HandlerContext, e: ClaimStatusChanged) -> None:
            await ctx.session.execute(
                text("SELECT CAST(:member AS integer)"), {"member": "SYNTH-MEMBER-123"}
            )

        await consumer(platform_db, bus, quotes_a_member_id).handle(
            as_message(Envelope.wrap(event()))
        )
        [letter] = await bus.read_all("claims.events.dlq")
        assert "SQLSTATE" in (letter.header("dlq-error") or "")
        parked = b"".join(v for _, v in letter.headers)
        assert b"SYNTH-MEMBER-123" not in parked
        assert "SYNTH-MEMBER-123" not in caplog.text


class HeldBus(MemoryBus):
    """Delegates to ``target``, but holds each publish until the test opens the gate."""

    def __init__(self, target: MemoryBus) -> None:
        super().__init__()
        self.target = target
        self.holding = asyncio.Event()
        self.gate = asyncio.Event()

    async def publish(self, messages: Sequence[Message]) -> None:
        self.holding.set()
        await self.gate.wait()
        await self.target.publish(messages)


class TestRelayCommit:
    async def test_only_the_relays_own_transaction_skips_the_wait_for_the_disk(
        self, platform_db: Database
    ) -> None:
        """A relay's rows are on the bus before it commits, so its commit need not wait for
        the WAL flush (a lost commit publishes them again). The connection's next transaction
        waits as every other one does."""
        async with platform_db.session() as session:
            outbox.publish(session, event())
        async with platform_db.engine.connect() as connection:
            async with connection.begin():
                taken = (await connection.execute(outbox.claim_batch(10, keep=False))).all()
                assert len(taken) == 1
                assert await connection.scalar(text("SHOW synchronous_commit")) == "off"
            async with connection.begin():
                assert await connection.scalar(text("SHOW synchronous_commit")) == "on"


class TestRelayOrder:
    async def test_a_second_relay_waits_while_one_is_publishing(
        self, platform_db: Database
    ) -> None:
        """Two workers of a service run two relays; the later event of a claim must not
        overtake the earlier one that the first relay is still publishing."""
        bus = MemoryBus(partitions=1)
        held = HeldBus(bus)
        async with platform_db.session() as session:
            first = outbox.publish(session, event("c-1"))
        slow = asyncio.create_task(
            OutboxRelay(database=platform_db, bus=held, tracer=TRACER).relay_once()
        )
        await asyncio.wait_for(held.holding.wait(), 5)
        async with platform_db.session() as session:
            second = outbox.publish(session, event("c-1"))
        other = OutboxRelay(database=platform_db, bus=bus, tracer=TRACER)
        assert await other.relay_once() == 0
        held.gate.set()
        assert await slow == 1
        assert await other.relay_once() == 1
        order = [m.header("ce_id") for m in await bus.read_all("claims.events")]
        assert order == [first.id, second.id]
