"""The in-process bus keeps the Kafka semantics the services rely on."""

import asyncio
from collections.abc import Sequence

from claimflow_shared.bus import Message
from claimflow_shared.bus.memory import MemoryBus


def message(key: str, value: str) -> Message:
    return Message(topic="t", key=key.encode(), value=value.encode())


async def run_until(bus: MemoryBus, group: str, handler, condition, timeout: float = 5) -> None:  # type: ignore[no-untyped-def]
    task = asyncio.create_task(bus.consume(group=group, topics=["t"], handler=handler))
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


class TestMemoryBus:
    async def test_one_key_keeps_its_order(self) -> None:
        bus = MemoryBus(partitions=4)
        await bus.publish([message(f"k{i % 3}", str(i)) for i in range(60)])
        seen: dict[bytes, list[int]] = {}

        async def handle(batch: Sequence[Message]) -> None:
            for m in batch:
                seen.setdefault(m.key or b"", []).append(int(m.value))

        await run_until(bus, "g", handle, lambda: sum(map(len, seen.values())) == 60)
        for values in seen.values():
            assert values == sorted(values)

    async def test_a_failing_handler_gets_the_same_batch_again(self) -> None:
        bus = MemoryBus(partitions=1, redelivery_delay=0.01)
        await bus.publish([message("k", "a"), message("k", "b")])
        batches: list[list[str]] = []

        async def handle(batch: Sequence[Message]) -> None:
            batches.append([m.value.decode() for m in batch])
            if len(batches) < 3:
                raise RuntimeError("transient")

        await run_until(bus, "g", handle, lambda: len(batches) == 3)
        assert batches == [["a", "b"]] * 3

    async def test_batches_are_bounded_and_consecutive(self) -> None:
        bus = MemoryBus(partitions=1, max_batch=4)
        await bus.publish([message("k", str(i)) for i in range(10)])
        batches: list[list[int]] = []

        async def handle(batch: Sequence[Message]) -> None:
            batches.append([int(m.value) for m in batch])

        await run_until(bus, "g", handle, lambda: sum(map(len, batches)) == 10)
        assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]

    async def test_each_group_sees_every_message(self) -> None:
        bus = MemoryBus(partitions=2)
        await bus.publish([message(str(i), str(i)) for i in range(10)])
        got: dict[str, int] = {"g1": 0, "g2": 0}

        def counter(group: str):  # type: ignore[no-untyped-def]
            async def handle(batch: Sequence[Message]) -> None:
                got[group] += len(batch)

            return handle

        await run_until(bus, "g1", counter("g1"), lambda: got["g1"] == 10)
        await run_until(bus, "g2", counter("g2"), lambda: got["g2"] == 10)
        assert got == {"g1": 10, "g2": 10}

    async def test_a_group_resumes_after_its_last_commit(self) -> None:
        bus = MemoryBus(partitions=1)
        await bus.publish([message("k", str(i)) for i in range(5)])
        first: list[str] = []

        async def handle_first(batch: Sequence[Message]) -> None:
            first.extend(m.value.decode() for m in batch)

        await run_until(bus, "g", handle_first, lambda: len(first) == 5)
        await bus.publish([message("k", "5")])
        second: list[str] = []

        async def handle_second(batch: Sequence[Message]) -> None:
            second.extend(m.value.decode() for m in batch)

        await run_until(bus, "g", handle_second, lambda: len(second) == 1)
        assert second == ["5"]
