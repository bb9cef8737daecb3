"""What every event bus offers: durable publish, consumer groups, at-least-once, per-key order."""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Message:
    """One record on a topic."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: Headers = field(default_factory=list)
    partition: int = -1
    offset: int = -1

    def header(self, name: str) -> str | None:
        """The last value of a header, decoded."""
        for key, value in reversed(self.headers):
            if key == name:
                return value.decode("utf-8", "replace")
        return None

    def to(self, topic: str, *, headers: Headers | None = None) -> Message:
        """The same record addressed to another topic."""
        return replace(
            self,
            topic=topic,
            headers=self.headers if headers is None else headers,
            partition=-1,
            offset=-1,
        )


MessageHandler = Callable[[Sequence[Message]], Awaitable[None]]
"""Receives consecutive messages of one or more partitions, each partition's in order."""


class EventBus(Protocol):
    """A log of topics with consumer groups.

    ``publish`` returns once every message is durably accepted. ``consume`` hands the handler
    batches of consecutive messages of one or more partitions, each partition's in order; when
    the handler returns, the offsets move past the batch; when it raises, the same batch comes
    again (at-least-once).
    """

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, messages: Sequence[Message]) -> None: ...

    async def consume(
        self, *, group: str, topics: Sequence[str], handler: MessageHandler
    ) -> None: ...

    async def ensure_topics(self, topics: Sequence[str]) -> None: ...

    async def ping(self) -> bool: ...

    async def read_all(self, topic: str) -> list[Message]: ...

    def lag(self) -> dict[tuple[str, str, int], int]:
        """Records behind the end of each partition, by (group, topic, partition)."""
        ...


def dlq_topic(topic: str) -> str:
    """The dead-letter topic beside ``topic``."""
    return f"{topic}.dlq"


def partition_for(key: bytes | None, partitions: int) -> int:
    """A stable partition for a key (records without a key go to partition 0)."""
    return zlib.crc32(key) % partitions if key else 0
