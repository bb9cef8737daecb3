"""Claim-level verdicts for the 277CA, collected from the reader's events as plain data.

One `BatchAcknowledgment` answers one accepted 837 transaction set: the 277CA's information
receiver (2000B) is that set's 1000A submitter and its trace (TRN02) is that set's BHT03, which
both differ per set. Claims of a set rejected in the 999 get no 277CA: the 999 already rejected
them. Status categories: A2 (accepted into the adjudication pipeline, status 20) or, for a
rejected claim, A6 (required information missing), A7 (information invalid) or A3 (returned as
unprocessable: segments out of place or over their limits), each with the claim status code and
entity the failed rule names (21, "missing or invalid information", when it names none).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from claimflow_shared.x12.errors import ElementCode, SegmentCode, SegmentError
from claimflow_shared.x12.p837.models import (
    Batch,
    BillingProvider,
    ClaimRead,
    PersonName,
    ServiceLine,
    ServicePeriod,
)
from claimflow_shared.x12.transactions import TransactionSetClosed

ACCEPTED = ("A2", "20")
RECEIVED = ("A1", "19")
_MISSING_SEGMENT = {SegmentCode.REQUIRED_MISSING, SegmentCode.DEPENDENT_MISSING}
_MISSING_ELEMENT = {
    ElementCode.REQUIRED_MISSING,
    ElementCode.CONDITIONAL_MISSING,
    ElementCode.DEPENDENT_MISSING,
}
_UNPROCESSABLE = {
    SegmentCode.UNRECOGNIZED,
    SegmentCode.UNEXPECTED,
    SegmentCode.NOT_IN_TRANSACTION,
    SegmentCode.LOOP_OVER_MAXIMUM,
    SegmentCode.SEGMENT_OVER_MAXIMUM,
    SegmentCode.OUT_OF_SEQUENCE,
}


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    """One STC01-style status: category code, status code and entity identifier."""

    category: str
    code: str
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class LineAcknowledgment:
    """A rejected service line and why (2220D)."""

    line: ServiceLine
    statuses: tuple[ClaimStatus, ...]


@dataclass(frozen=True, slots=True)
class ClaimAcknowledgment:
    """The 277CA verdict on one claim, with what its 2000D loop needs to identify it."""

    claim_id: str
    accepted: bool
    statuses: tuple[ClaimStatus, ...]
    total_charge: Decimal
    service_period: ServicePeriod | None
    billing_provider: BillingProvider
    patient: PersonName
    member_id: str
    clearinghouse_trace: str | None
    payer_claim_number: str | None
    lines: tuple[LineAcknowledgment, ...]


@dataclass(frozen=True, slots=True)
class BatchAcknowledgment:
    """The 277CA verdicts on the claims of one accepted 837 transaction set."""

    batch: Batch
    claims: tuple[ClaimAcknowledgment, ...]

    @property
    def accepted(self) -> tuple[ClaimAcknowledgment, ...]:
        """Return the accepted claims."""
        return tuple(c for c in self.claims if c.accepted)

    @property
    def rejected(self) -> tuple[ClaimAcknowledgment, ...]:
        """Return the rejected claims."""
        return tuple(c for c in self.claims if not c.accepted)


class ClaimAcknowledger:
    """Collects events into per-set claim verdicts; claims of rejected sets are dropped."""

    def __init__(self) -> None:
        """Start with no pending claims."""
        self._pending: list[ClaimAcknowledgment] = []
        self._batch: Batch | None = None
        self._batches: list[BatchAcknowledgment] = []

    def add(self, event: object, *, payer_claim_number: str | None = None) -> None:
        """Take a reader event; `payer_claim_number` (REF*1K) names an accepted claim's record."""
        if isinstance(event, ClaimRead):
            self._batch = event.claim.batch
            self._pending.append(acknowledge(event, payer_claim_number))
        elif isinstance(event, TransactionSetClosed):
            if event.ack.accepted and self._pending and self._batch is not None:
                self._batches.append(BatchAcknowledgment(self._batch, tuple(self._pending)))
            self._pending, self._batch = [], None

    @property
    def batches(self) -> tuple[BatchAcknowledgment, ...]:
        """Return the verdicts of every accepted set seen so far."""
        return tuple(self._batches)


def acknowledge(read: ClaimRead, payer_claim_number: str | None = None) -> ClaimAcknowledgment:
    """Turn one read claim into its 277CA verdict."""
    claim = read.claim
    rejecting = [e for e in read.errors if e.rejects]
    lines = tuple(_line_verdicts(claim.lines, rejecting))
    statuses = _statuses(rejecting) if rejecting else (ClaimStatus(*ACCEPTED),)
    return ClaimAcknowledgment(
        claim.claim_id,
        not rejecting,
        statuses,
        claim.total_charge,
        claim.service_period,
        claim.billing_provider,
        claim.demographics.patient.name,
        claim.subscriber.member_id,
        claim.clearinghouse_trace,
        payer_claim_number if not rejecting else None,
        lines,
    )


def _statuses(errors: list[SegmentError]) -> tuple[ClaimStatus, ...]:
    """Return the distinct statuses the errors call for, in the order they occurred."""
    return tuple(dict.fromkeys(status_of(e) for e in errors))


def status_of(error: SegmentError) -> ClaimStatus:
    """Return the category, status code and entity an error calls for."""
    code = error.status_code or "21"
    if error.code in _UNPROCESSABLE:
        return ClaimStatus("A3", code, error.entity)
    missing = error.code in _MISSING_SEGMENT or (
        error.element is not None and error.element.code in _MISSING_ELEMENT
    )
    return ClaimStatus("A6" if missing else "A7", code, error.entity)


def _line_verdicts(
    lines: tuple[ServiceLine, ...], errors: list[SegmentError]
) -> list[LineAcknowledgment]:
    """Return a verdict for each line that a line-loop (24xx) error falls inside."""
    verdicts = []
    in_lines = [e for e in errors if (e.loop_id or "").startswith("24")]
    for index, line in enumerate(lines):
        end = lines[index + 1].position if index + 1 < len(lines) else None
        inside = [
            e for e in in_lines if e.position >= line.position and (end is None or e.position < end)
        ]
        if inside:
            verdicts.append(LineAcknowledgment(line, _statuses(inside)))
    return verdicts
