"""The 278 entry point: read an interchange of 278 requests, get each request and the 999."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.p278.handler import request_278
from claimflow_shared.x12.p278.models import Request278Read
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.sources import CHUNK_SIZE, Source, iter_chunks
from claimflow_shared.x12.transactions import TransactionSetClosed

Event278 = Request278Read | TransactionSetClosed


class Request278Reader:
    """Reads one interchange of 278 requests: `read(source)`, then `acknowledgment`.

    Each set yields a `Request278Read` followed by its `TransactionSetClosed`; act on a read
    only when that verdict accepts the set. Raises `UnreadableInterchangeError` when the data
    does not begin with a usable ISA header.
    """

    def __init__(self, *, max_segment_bytes: int = 100_000) -> None:
        """Set the longest segment accepted."""
        self._reader = InterchangeReader([request_278()], max_segment_bytes=max_segment_bytes)

    def feed(self, chunk: bytes) -> list[Event278]:
        """Consume a chunk and return the events it completes."""
        return cast(list[Event278], self._reader.feed(chunk))

    def close(self) -> list[Event278]:
        """Finish the interchange and return the last events."""
        return cast(list[Event278], self._reader.close())

    def read(self, source: Source, chunk_size: int = CHUNK_SIZE) -> Iterator[Event278]:
        """Read a whole source, yielding events as they complete."""
        for chunk in iter_chunks(source, chunk_size):
            yield from self.feed(chunk)
        yield from self.close()

    @property
    def acknowledgment(self) -> InterchangeAck:
        """Return the structured 999/TA1 verdict (after the source is read)."""
        return self._reader.result
