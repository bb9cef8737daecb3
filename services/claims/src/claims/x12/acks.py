"""The 999 and 277CA for a read interchange, rendered by the shared X12 library.

The 277CA's verdict per claim is the reader's (front-end edits: syntax, guide, NPI check
digits, balancing); an accepted claim carries our claim id as its payer claim control number
(REF*1K). Our own intake edits (timely filing, duplicates, voids) come later as the claim's
status: a 277CA A2 means the claim entered our pipeline, not that it will be accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from claimflow_shared.x12.ack999 import render_999
from claimflow_shared.x12.p837 import BatchAcknowledgment, ClaimAcknowledger, render_277ca
from claimflow_shared.x12.writer import ControlNumbers
from claims.x12.reading import Interchange

ClaimPlace = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Acknowledgments:
    """The rendered replies: the 999 interchange, and the 277CA when a set was accepted."""

    ack999: str
    ack277ca: str | None


def claim_batches(
    interchange: Interchange, claim_ids: Mapping[ClaimPlace, str]
) -> tuple[BatchAcknowledgment, ...]:
    """Per accepted set, the 277CA verdicts, naming our claim id for each claim taken in."""
    acknowledger = ClaimAcknowledger()
    for set_index, read_set in enumerate(interchange.sets):
        for claim_index, read in enumerate(read_set.reads):
            acknowledger.add(read, payer_claim_number=claim_ids.get((set_index, claim_index)))
        acknowledger.add(read_set.closed)
    return acknowledger.batches


def render(
    interchange: Interchange,
    batches: tuple[BatchAcknowledgment, ...],
    *,
    control_999: int,
    control_277ca: int,
    sent_at: datetime,
) -> Acknowledgments:
    """Both replies, each its own interchange with its own control number."""
    ack999 = render_999(interchange.ack, ControlNumbers(control_999, control_999), sent_at=sent_at)
    ack277ca = render_277ca(
        batches,
        interchange.ack,
        ControlNumbers(control_277ca, control_277ca),
        sent_at=sent_at,
        received=sent_at.date(),
    )
    return Acknowledgments(ack999, ack277ca)
