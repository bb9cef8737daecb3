"""The 837P entry point: stream an interchange, get claims one at a time and the 999 verdict."""

from __future__ import annotations

from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.p837.handler import professional_837
from claimflow_shared.x12.p837.models import ClaimRead
from claimflow_shared.x12.transactions import TransactionSetClosed
from claimflow_shared.x12.typed_reader import TypedInterchangeReader

Event837 = ClaimRead | TransactionSetClosed


class Professional837Reader(TypedInterchangeReader[Event837]):
    """Reads one 837P interchange: `read(source)` (or `feed`/`close`), then `acknowledgment`.

    Events come in file order: a `ClaimRead` as each claim ends, then a `TransactionSetClosed`
    after each SE. Claims are final only when their set's verdict arrives: drop the claims of a
    set whose acknowledgment is rejected. Raises `UnreadableInterchangeError` when the data does
    not begin with a usable ISA header.
    """

    def __init__(self, *, max_segment_bytes: int = 100_000, max_errors_per_set: int = 1000) -> None:
        """Set the safety limits: the longest segment and the errors listed per set."""
        super().__init__(
            InterchangeReader(
                [professional_837()],
                max_segment_bytes=max_segment_bytes,
                max_errors_per_set=max_errors_per_set,
            )
        )
