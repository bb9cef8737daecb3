"""Per claim line: is an authorization needed, and does one cover the line?

For each line, in the order given:
- not required: the requirement answer says no authorization is needed.
- authorized: an approved line of an authorization for the same patient reference, payer and
  code, in force (approved, partially approved, modified, or under appeal, whose earlier
  approval stands until the appeal is decided), whose approved dates include the date of
  service and whose remaining units cover the claim line's units. One claim line draws on one
  authorization line, as an 837P line names one prior-authorization number. Units drawn by
  earlier lines of the same claim are no longer remaining for later ones. Preferred: the
  authorization the line names, then the approval ending soonest (keep longer ones for later),
  then the fewest remaining units that suffice, then ids for a stable answer.
- pending: no usable approval, but a request for the code awaits a decision (submitted,
  pended, contact payer, in appeal) whose requested dates include the date of service.
- denied: none of the above, but the code was denied for those dates (A3, or left out of a
  partial approval or modification).
- missing: nothing applies; ``detail`` says when an approval existed but its units ran out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.status import (
    APPROVED_STATUSES,
    AWAITING_DECISION,
    AuthorizationStatus,
)
from prior_auth.requirements.matching import LineRequirement, normalize_code

IN_FORCE_STATUSES: frozenset[AuthorizationStatus] = APPROVED_STATUSES | {
    AuthorizationStatus.IN_APPEAL
}
UNITS_EXHAUSTED = "units_exhausted"


class CheckOutcome(StrEnum):
    """The authorization answer for one claim line."""

    NOT_REQUIRED = "not_required"
    AUTHORIZED = "authorized"
    MISSING = "missing"
    PENDING = "pending"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """A claim's service line as the check reads it."""

    line_number: int
    code: str
    service_date: date
    units: int
    place_of_service: str | None = None
    authorization_number: str | None = None

    def __post_init__(self) -> None:
        """Refuse claim lines without units."""
        if self.units < 1:
            raise ValueError(f"claim line {self.line_number} must have at least one unit")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One requested line of an authorization for the claim's patient and payer.

    ``approved`` and ``remaining_units`` describe the payer's approval of the line, if any.
    """

    authorization_id: str
    status: AuthorizationStatus
    patient_ref: str
    payer_id: str
    requested: RequestedLine
    approved: ApprovedLine | None = None
    remaining_units: int = 0
    authorization_number: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Identify the authorization line."""
        return self.authorization_id, self.requested.line_number


@dataclass(frozen=True, slots=True)
class LineCheck:
    """The answer for one claim line; units is what it would draw from the authorization line."""

    line_number: int
    outcome: CheckOutcome
    rule_id: str | None
    authorization_id: str | None = None
    authorization_line_number: int | None = None
    units: int = 0
    detail: str | None = None


def _relevant(
    candidates: Sequence[Candidate], *, patient_ref: str, payer_id: str, code: str
) -> list[Candidate]:
    """Return the candidates for this patient, payer and code."""
    wanted = normalize_code(code)
    return [
        candidate
        for candidate in candidates
        if candidate.patient_ref == patient_ref
        and candidate.payer_id == payer_id
        and normalize_code(candidate.requested.code) == wanted
    ]


def _approval_covers(candidate: Candidate, day: date) -> bool:
    """Whether the candidate holds an approval in force for the day."""
    approved = candidate.approved
    return candidate.status in IN_FORCE_STATUSES and approved is not None and approved.covers(day)


def _requested_covers(candidate: Candidate, day: date) -> bool:
    """Whether the day lies in the candidate's requested window."""
    return candidate.requested.start_date <= day <= candidate.requested.end_date


def _is_denied(candidate: Candidate) -> bool:
    """Whether the payer refused this line: a denial, or left out of an approval."""
    if candidate.status is AuthorizationStatus.DENIED:
        return True
    return candidate.status in APPROVED_STATUSES and candidate.approved is None


def _preference(
    line: ClaimLine, candidate: Candidate, remaining: int
) -> tuple[bool, date, int, str, int]:
    """Sort key for usable approvals; the smallest key is drawn on first."""
    ends = candidate.approved.end_date if candidate.approved is not None else date.max
    named = line.authorization_number is not None and (
        candidate.authorization_number == line.authorization_number
    )
    return (
        not named,
        ends,
        remaining,
        candidate.authorization_id,
        candidate.requested.line_number,
    )


def _authorize(
    line: ClaimLine, relevant: list[Candidate], remaining: dict[tuple[str, int], int]
) -> Candidate | None:
    """Return the approval the line draws on, or None when none can cover it."""
    usable = [
        candidate
        for candidate in relevant
        if _approval_covers(candidate, line.service_date) and remaining[candidate.key] >= line.units
    ]
    if not usable:
        return None
    return min(usable, key=lambda candidate: _preference(line, candidate, remaining[candidate.key]))


def _unauthorized(line: ClaimLine, rule_id: str | None, relevant: list[Candidate]) -> LineCheck:
    """Answer a required line no approval covers: pending, denied or missing."""
    day = line.service_date
    dated = [candidate for candidate in relevant if _requested_covers(candidate, day)]
    for outcome, matches in (
        (CheckOutcome.PENDING, [c for c in dated if c.status in AWAITING_DECISION]),
        (CheckOutcome.DENIED, [c for c in dated if _is_denied(c)]),
    ):
        if matches:
            first = min(matches, key=lambda c: (c.authorization_id, c.requested.line_number))
            return LineCheck(
                line_number=line.line_number,
                outcome=outcome,
                rule_id=rule_id,
                authorization_id=first.authorization_id,
                authorization_line_number=first.requested.line_number,
            )
    exhausted = any(_approval_covers(candidate, day) for candidate in relevant)
    return LineCheck(
        line_number=line.line_number,
        outcome=CheckOutcome.MISSING,
        rule_id=rule_id,
        detail=UNITS_EXHAUSTED if exhausted else None,
    )


def _check_line(
    line: ClaimLine,
    requirement: LineRequirement,
    relevant: list[Candidate],
    remaining: dict[tuple[str, int], int],
) -> LineCheck:
    """Answer one claim line, drawing its units from the remaining ones when authorized."""
    if not requirement.required:
        return LineCheck(
            line_number=line.line_number,
            outcome=CheckOutcome.NOT_REQUIRED,
            rule_id=requirement.rule_id,
        )
    chosen = _authorize(line, relevant, remaining)
    if chosen is None:
        return _unauthorized(line, requirement.rule_id, relevant)
    remaining[chosen.key] -= line.units
    return LineCheck(
        line_number=line.line_number,
        outcome=CheckOutcome.AUTHORIZED,
        rule_id=requirement.rule_id,
        authorization_id=chosen.authorization_id,
        authorization_line_number=chosen.requested.line_number,
        units=line.units,
    )


def check_claim(
    *,
    patient_ref: str,
    payer_id: str,
    lines: Sequence[ClaimLine],
    requirements: Sequence[LineRequirement],
    candidates: Sequence[Candidate],
) -> tuple[LineCheck, ...]:
    """Answer every claim line in order; each requirement answer must match a line number."""
    by_line = {requirement.line_number: requirement for requirement in requirements}
    missing = [line.line_number for line in lines if line.line_number not in by_line]
    if missing:
        raise ValueError(f"no requirement answer for claim lines {missing}")
    remaining = {candidate.key: candidate.remaining_units for candidate in candidates}
    return tuple(
        _check_line(
            line,
            by_line[line.line_number],
            _relevant(candidates, patient_ref=patient_ref, payer_id=payer_id, code=line.code),
            remaining,
        )
        for line in lines
    )
