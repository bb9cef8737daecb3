"""The 278 request transaction handler: keeps the set's segments, then reads it at its SE.

A 278 request is one patient event with a few service levels, so the set is held whole (up to
`MAX_SEGMENTS`) and read once complete: shape first (999 errors), then the review (AAA issues).
"""

from __future__ import annotations

from claimflow_shared.x12.errors import SegmentCode, SegmentError, Severity
from claimflow_shared.x12.p278.models import Request278Read
from claimflow_shared.x12.p278.review import map_review
from claimflow_shared.x12.p278.structure import check_bht, split_levels
from claimflow_shared.x12.transactions import (
    ENVELOPE_SEGMENTS,
    TransactionContext,
    TransactionType,
)

FUNCTIONAL_ID = "HI"
SET_ID = "278"
CONVENTION_PREFIX = "005010X217"
MAX_SEGMENTS = 2000


class Request278Handler:
    """Collects one 278 set's body and emits a `Request278Read` when it ends."""

    def __init__(self, context: TransactionContext) -> None:
        """Start an empty set."""
        self._context = context
        self._segments: list[tuple[int, list[str]]] = []
        self._rejected = False
        self._errors = 0

    def _report(self, error: SegmentError) -> None:
        """Pass an error to the 999, remembering whether it rejects the set."""
        if error.severity is Severity.REJECT_SET:
            self._rejected = True
        self._context.report(error)

    def segments(self, batch: list[list[str]], start: int, position: int) -> tuple[int, int]:
        """Keep body segments until an envelope segment."""
        for index in range(start, len(batch)):
            elements = batch[index]
            if elements[0] in ENVELOPE_SEGMENTS:
                return index, position
            position += 1
            if len(self._segments) < MAX_SEGMENTS:
                self._segments.append((position, elements))
            elif len(self._segments) == MAX_SEGMENTS:
                self._segments.append((position, ["?"]))
                self._report(
                    SegmentError(
                        elements[0][:3],
                        position,
                        None,
                        SegmentCode.SEGMENT_OVER_MAXIMUM,
                        f"a 278 request set holds at most {MAX_SEGMENTS} segments",
                        Severity.REJECT_SET,
                    )
                )
        return len(batch), position

    def finish(self, position: int) -> tuple[int, int]:
        """Read the whole set; emit what it asks for; return (1, 0) or (0, 1)."""
        segments = self._segments[:MAX_SEGMENTS]
        reference = check_bht(segments, self._report)
        loops = tuple(split_levels(segments, self._report))
        review, issues = (
            (None, ()) if self._rejected else map_review(loops, self._context.delimiters.component)
        )
        read = Request278Read(self._context.header, reference, loops, review, issues)
        self._context.emit(read)
        return (1, 0) if read.actionable else (0, 1)


def request_278() -> TransactionType:
    """Return the registration that routes 278 005010X217 sets to this handler."""
    return TransactionType(FUNCTIONAL_ID, SET_ID, CONVENTION_PREFIX, Request278Handler)
