"""The shape every transaction's entry point shares: feed or read an interchange, get that
transaction's events, then the 999/TA1 verdict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar, cast

from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.sources import CHUNK_SIZE, Source, iter_chunks

EventT = TypeVar("EventT")


class TypedInterchangeReader(Generic[EventT]):
    """An `InterchangeReader` whose events are those of one transaction type."""

    def __init__(self, reader: InterchangeReader) -> None:
        self._reader = reader

    def feed(self, chunk: bytes) -> list[EventT]:
        """Consume a chunk and return the events it completes."""
        return cast(list[EventT], self._reader.feed(chunk))

    def close(self) -> list[EventT]:
        """Finish the interchange and return the last events."""
        return cast(list[EventT], self._reader.close())

    def read(self, source: Source, chunk_size: int = CHUNK_SIZE) -> Iterator[EventT]:
        """Read a whole source, yielding events as they complete."""
        for chunk in iter_chunks(source, chunk_size):
            yield from self.feed(chunk)
        yield from self.close()

    @property
    def acknowledgment(self) -> InterchangeAck:
        """Return the structured 999/TA1 verdict (after the source is read)."""
        return self._reader.result
