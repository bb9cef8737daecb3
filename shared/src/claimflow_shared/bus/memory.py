"""The in-process bus: Kafka's semantics (partitions, groups, at-least-once) in one process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from claimflow_shared.bus.base import Message, MessageHandler, partition_for

log = logging.getLogger(__name__)


@dataclass
class _Partition:
    records: list[Message] = field(default_factory=list)
    grew: asyncio.Event = field(default_factory=asyncio.Event)

    def append(self, message: Message) -> None:
        self.records.append(message)
        self.grew.set()


class MemoryBus:
    """Topics split into partitions by key; each group reads each partition in order.

    A handler that raises is given the same batch again after ``redelivery_delay`` seconds;
    the group's offset moves only after the handler returns. Records live as long as the process.
    """

    def __init__(
        self, *, partitions: int = 6, redelivery_delay: float = 0.5, max_batch: int = 100
    ) -> None:
        self._partitions = partitions
        self._max_batch = max_batch
        self._redelivery_delay = redelivery_delay
        self._topics: dict[str, list[_Partition]] = {}
        self._offsets: dict[tuple[str, str, int], int] = {}
        self._groups: set[tuple[str, str]] = set()

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to close; consumers stop when their task is cancelled."""

    def _topic(self, name: str) -> list[_Partition]:
        if name not in self._topics:
            self._topics[name] = [_Partition() for _ in range(self._partitions)]
        return self._topics[name]

    async def publish(self, messages: Sequence[Message]) -> None:
        """Append each message to its key's partition."""
        for message in messages:
            partitions = self._topic(message.topic)
            number = partition_for(message.key, len(partitions))
            log_ = partitions[number]
            log_.append(replace(message, partition=number, offset=len(log_.records)))

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create the topics if they do not exist."""
        for name in topics:
            self._topic(name)

    async def ping(self) -> bool:
        """Always reachable."""
        return True

    def lag(self) -> dict[tuple[str, str, int], int]:
        """How far each consuming group is behind each partition."""
        return {
            (group, topic, number): len(self._topic(topic)[number].records) - offset
            for (group, topic, number), offset in self._offsets.items()
        }

    async def read_all(self, topic: str) -> list[Message]:
        """Every record of a topic, partition by partition."""
        return [m for p in self._topic(topic) for m in p.records]

    async def consume(self, *, group: str, topics: Sequence[str], handler: MessageHandler) -> None:
        """Feed every partition of ``topics`` to ``handler`` until cancelled."""
        for topic in topics:
            if (group, topic) in self._groups:
                raise RuntimeError(f"group {group} already consumes {topic} in this process")
            self._groups.add((group, topic))
        try:
            async with asyncio.TaskGroup() as tasks:
                for topic in topics:
                    for number in range(len(self._topic(topic))):
                        tasks.create_task(self._feed(group, topic, number, handler))
        finally:
            for topic in topics:
                self._groups.discard((group, topic))

    async def _feed(self, group: str, topic: str, number: int, handler: MessageHandler) -> None:
        partition = self._topic(topic)[number]
        position = (group, topic, number)
        while True:
            offset = self._offsets.get(position, 0)
            if offset >= len(partition.records):
                partition.grew.clear()
                await partition.grew.wait()
                continue
            batch = partition.records[offset : offset + self._max_batch]
            try:
                await handler(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning(
                    "redelivering %s[%d]@%d to %s", topic, number, offset, group, exc_info=True
                )
                await asyncio.sleep(self._redelivery_delay)
                continue
            self._offsets[position] = offset + len(batch)
