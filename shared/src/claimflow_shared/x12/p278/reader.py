"""The 278 entry point: read an interchange of 278 requests, get each request and the 999."""

from __future__ import annotations

from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.p278.handler import request_278
from claimflow_shared.x12.p278.models import Request278Read
from claimflow_shared.x12.transactions import TransactionSetClosed
from claimflow_shared.x12.typed_reader import TypedInterchangeReader

Event278 = Request278Read | TransactionSetClosed


class Request278Reader(TypedInterchangeReader[Event278]):
    """Reads one interchange of 278 requests: `read(source)`, then `acknowledgment`.

    Each set yields a `Request278Read` followed by its `TransactionSetClosed`; act on a read
    only when that verdict accepts the set. Raises `UnreadableInterchangeError` when the data
    does not begin with a usable ISA header.
    """

    def __init__(self, *, max_segment_bytes: int = 100_000) -> None:
        """Set the longest segment accepted."""
        super().__init__(InterchangeReader([request_278()], max_segment_bytes=max_segment_bytes))
