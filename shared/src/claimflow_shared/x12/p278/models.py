"""What a 278 request (005010X217) says, as plain data: the review asked for and its problems.

The subscriber's member id travels in `ServiceReview.subscriber_id` and in the echoed segments
only; it is left out of every repr and message, so logging a read never leaks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from claimflow_shared.x12.transactions import TransactionSetHeader


class RejectReason(StrEnum):
    """AAA03 reject reason codes (X12 code list 901) this reader reports, by where they apply."""

    REQUIRED_DATA_MISSING = "15"
    INPUT_ERRORS = "33"
    PROVIDER_ID = "43"
    DATES_OF_SERVICE = "57"
    SUBSCRIBER_ID = "72"
    PARTICIPANT_ID = "79"


class FollowUp(StrEnum):
    """AAA04 follow-up action codes (X12 code list 889)."""

    CORRECT_AND_RESUBMIT = "C"
    RESUBMISSION_NOT_ALLOWED = "N"


@dataclass(frozen=True, slots=True)
class RequestIssue:
    """A request error the 278 response reports in an AAA segment of the loop it names."""

    loop: str
    hl_id: str
    reason: RejectReason
    message: str
    follow_up: FollowUp = FollowUp.CORRECT_AND_RESUBMIT


@dataclass(frozen=True, slots=True)
class HlLoop:
    """One hierarchical level as sent: its HL and every segment up to the next HL.

    `segments` holds (loop id, elements) pairs; the loop id is the 2010 sub-loop an NM1 opened
    (2010A, 2010EA, ...) or the level itself.
    """

    hl_id: str
    parent_id: str
    level: str
    loop: str
    hl: list[str]
    segments: list[tuple[str, list[str]]] = field(repr=False)


@dataclass(frozen=True, slots=True)
class RequestedService:
    """One 2000F service level: the procedure, units and dates asked for."""

    hl_id: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    start_date: date
    end_date: date


@dataclass(frozen=True, slots=True)
class ServiceReview:
    """The review a 278 request asks for, mapped from its loops (valid only without issues)."""

    payer_id: str
    requester_npi: str
    subscriber_id: str = field(repr=False)
    has_dependent: bool
    category: str
    certification_type: str
    service_type: str
    level_of_service: str
    place_of_service: str | None
    diagnoses: tuple[str, ...]
    servicing_npi: str
    services: tuple[RequestedService, ...]
    trace: str | None

    @property
    def expedited(self) -> bool:
        """Whether UM06 asks for an urgent (U) or emergency (03) review."""
        return self.level_of_service in ("U", "03")


@dataclass(frozen=True, slots=True)
class Request278Read:
    """One 278 request transaction set as read: its levels, the review and its issues.

    `review` is None when the set's structure (999 errors) left nothing to map; `issues` are the
    request errors the 278 response answers with AAA segments. The review may be acted on only
    when the set's 999 verdict accepts it and `issues` is empty.
    """

    header: TransactionSetHeader
    reference: str
    loops: tuple[HlLoop, ...]
    review: ServiceReview | None
    issues: tuple[RequestIssue, ...]

    @property
    def actionable(self) -> bool:
        """Whether the request maps to a review with no request errors."""
        return self.review is not None and not self.issues
