"""The Kafka bus on a real broker: order per key, redelivery, commits after the effect, DLQ."""

import asyncio
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from claimflow_shared.bus import Message, MessageHandler
from claimflow_shared.bus.kafka import KafkaBus

pytestmark = pytest.mark.kafka


def new_bus(bootstrap: str, **options: Any) -> KafkaBus:
    return KafkaBus(
        bootstrap_servers=bootstrap,
        client_id="test",
        partitions=3,
        redelivery_delay=0.05,
        namespace=f"t{uuid.uuid4().hex[:8]}.",
        **options,
    )


async def consume_until(
    bus: KafkaBus,
    group: str,
    handler: MessageHandler,
    done: Callable[[], bool],
    timeout: float = 60,
) -> None:
    task = asyncio.create_task(bus.consume(group=group, topics=["t"], handler=handler))
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def msg(key: str, value: int) -> Message:
    return Message(topic="t", key=key.encode(), value=str(value).encode(), headers=[("h", b"v")])


class TestKafkaBus:
    async def test_each_key_keeps_its_order_and_headers(self, kafka_bootstrap: str) -> None:
        bus = new_bus(kafka_bootstrap)
        await bus.ensure_topics(["t"])
        await bus.publish([msg(f"k{i % 4}", i) for i in range(80)])
        seen: dict[bytes, list[int]] = {}

        async def handle(batch: Sequence[Message]) -> None:
            for m in batch:
                assert m.topic == "t" and m.header("h") == "v"
                seen.setdefault(m.key or b"", []).append(int(m.value))

        await consume_until(bus, "g", handle, lambda: sum(map(len, seen.values())) >= 80)
        await bus.stop()
        assert sum(map(len, seen.values())) == 80
        assert all(v == sorted(v) for v in seen.values())

    async def test_one_fetch_from_several_partitions_is_one_batch(
        self, kafka_bootstrap: str
    ) -> None:
        bus = new_bus(kafka_bootstrap)
        await bus.ensure_topics(["t"])
        await bus.publish([msg(f"k{i % 6}", i) for i in range(60)])
        batches: list[set[int]] = []

        async def handle(batch: Sequence[Message]) -> None:
            batches.append({m.partition for m in batch})

        await consume_until(bus, "g", handle, lambda: bool(batches))
        await bus.stop()
        assert batches[0] == {0, 1, 2}  # one transaction and one commit for all three

    async def test_records_sent_while_a_fetch_waits_arrive_as_one_batch(
        self, kafka_bootstrap: str
    ) -> None:
        bus = new_bus(kafka_bootstrap, fetch_max_wait_ms=3000)
        await bus.ensure_topics(["t"])
        await bus.publish([msg("warm", 0)])
        batches: list[list[int]] = []

        async def handle(batch: Sequence[Message]) -> None:
            batches.append([int(m.value) for m in batch])

        task = asyncio.create_task(bus.consume(group="g", topics=["t"], handler=handle))
        try:
            async with asyncio.timeout(60):
                while not batches:
                    await asyncio.sleep(0.01)
                # the next fetch now waits on the broker; five sends, each acknowledged alone
                for i in range(1, 6):
                    await bus.publish([msg(f"k{i}", i)])
                while sum(map(len, batches)) < 6:
                    await asyncio.sleep(0.01)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await bus.stop()
        assert len(batches) == 2 and sorted(batches[1]) == [1, 2, 3, 4, 5]

    async def test_a_failed_batch_is_delivered_again_before_the_next(
        self, kafka_bootstrap: str
    ) -> None:
        bus = new_bus(kafka_bootstrap)
        await bus.ensure_topics(["t"])
        await bus.publish([msg("one-key", i) for i in range(4)])
        delivered: list[list[int]] = []
        handled: list[int] = []

        async def handle(batch: Sequence[Message]) -> None:
            values = [int(m.value) for m in batch]
            delivered.append(values)
            if 2 in values and sum(2 in d for d in delivered) < 3:
                raise RuntimeError("transient")
            handled.extend(values)

        await consume_until(bus, "g", handle, lambda: 3 in handled)
        await bus.stop()
        failing = [d for d in delivered if 2 in d]
        assert len(failing) == 3 and failing[0] == failing[1] == failing[2]
        assert handled == [0, 1, 2, 3]

    async def test_offsets_are_committed_only_after_the_handler_returns(
        self, kafka_bootstrap: str
    ) -> None:
        bus = new_bus(kafka_bootstrap)
        await bus.ensure_topics(["t"])
        await bus.publish([msg("one-key", i) for i in range(3)])
        returned: list[int] = []
        hung: list[int] = []
        stuck = asyncio.Event()

        async def hangs_on_the_last(batch: Sequence[Message]) -> None:
            values = [int(m.value) for m in batch]
            if 2 in values:
                hung.extend(values)
                stuck.set()
                await asyncio.sleep(3600)
            returned.extend(values)

        await consume_until(bus, "g", hangs_on_the_last, stuck.is_set)
        second: list[int] = []

        async def records(batch: Sequence[Message]) -> None:
            second.extend(int(m.value) for m in batch)

        await consume_until(bus, "g", records, lambda: 2 in second)
        await bus.stop()
        assert returned + hung == [0, 1, 2]
        assert second == hung

    async def test_read_all_sees_every_record(self, kafka_bootstrap: str) -> None:
        bus = new_bus(kafka_bootstrap)
        await bus.ensure_topics(["t"])
        await bus.publish([msg(f"k{i}", i) for i in range(10)])
        values = sorted(int(m.value) for m in await bus.read_all("t"))
        await bus.stop()
        assert values == list(range(10))

    async def test_ping_tells_reachable_from_unreachable(self, kafka_bootstrap: str) -> None:
        assert await new_bus(kafka_bootstrap).ping()
        assert not await KafkaBus(bootstrap_servers="127.0.0.1:1", client_id="x").ping()
