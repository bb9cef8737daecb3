"""The 837P entry point: stream an interchange, get claims one at a time and the 999 verdict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.p837.handler import professional_837
from claimflow_shared.x12.p837.models import ClaimRead
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.sources import CHUNK_SIZE, Source, iter_chunks
from claimflow_shared.x12.transactions import TransactionSetClosed

Event837 = ClaimRead | TransactionSetClosed


class Professional837Reader:
    """Reads one 837P interchange: `read(source)` (or `feed`/`close`), then `acknowledgment`.

    Events come in file order: a `ClaimRead` as each claim ends, then a `TransactionSetClosed`
    after each SE. Claims are final only when their set's verdict arrives: drop the claims of a
    set whose acknowledgment is rejected. Raises `UnreadableInterchangeError` when the data does
    not begin with a usable ISA header.
    """

    def __init__(self, *, max_segment_bytes: int = 100_000, max_errors_per_set: int = 1000) -> None:
        """Set the safety limits: the longest segment and the errors listed per set."""
        self._reader = InterchangeReader(
            [professional_837()],
            max_segment_bytes=max_segment_bytes,
            max_errors_per_set=max_errors_per_set,
        )

    def feed(self, chunk: bytes) -> list[Event837]:
        """Consume a chunk and return the events it completes."""
        return cast(list[Event837], self._reader.feed(chunk))

    def close(self) -> list[Event837]:
        """Finish the interchange and return the last events."""
        return cast(list[Event837], self._reader.close())

    def read(self, source: Source, chunk_size: int = CHUNK_SIZE) -> Iterator[Event837]:
        """Read a whole source, yielding events as they complete."""
        for chunk in iter_chunks(source, chunk_size):
            yield from self.feed(chunk)
        yield from self.close()

    @property
    def acknowledgment(self) -> InterchangeAck:
        """Return the structured 999/TA1 verdict (after the source is read)."""
        return self._reader.result
