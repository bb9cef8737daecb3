"""The claim state machine: which status may follow which."""

from __future__ import annotations

from enum import StrEnum

from claimflow_shared.errors import Conflict


class ClaimStatus(StrEnum):
    """Where a claim stands."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PENDED_AUTH = "pended_auth"
    PENDED_REVIEW = "pended_review"
    RETURNED = "returned"
    VOIDED = "voided"
    REPLACED = "replaced"


S = ClaimStatus
ENDED_BY_LATER_CLAIM = frozenset({S.VOIDED, S.REPLACED})
ALLOWED: dict[ClaimStatus | None, frozenset[ClaimStatus]] = {
    None: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.PENDED_AUTH, S.PENDED_REVIEW})
    | ENDED_BY_LATER_CLAIM,
    S.PENDED_AUTH: frozenset({S.ACCEPTED, S.REJECTED, S.PENDED_REVIEW, S.RETURNED})
    | ENDED_BY_LATER_CLAIM,
    S.PENDED_REVIEW: frozenset({S.ACCEPTED, S.REJECTED, S.PENDED_AUTH, S.RETURNED})
    | ENDED_BY_LATER_CLAIM,
    S.ACCEPTED: ENDED_BY_LATER_CLAIM,
    S.RETURNED: ENDED_BY_LATER_CLAIM,
    S.REJECTED: frozenset(),
    S.VOIDED: frozenset(),
    S.REPLACED: frozenset(),
}

LIVE = frozenset({S.RECEIVED, S.ACCEPTED, S.PENDED_AUTH, S.PENDED_REVIEW})
"""Statuses whose claims count for the duplicate edit and may be voided or replaced."""

REPLACEABLE = LIVE | {S.RETURNED}
"""Statuses a void (8) or replacement (7) claim may end."""

AWAITING_REVIEW = frozenset({S.RECEIVED, S.PENDED_AUTH})
"""Statuses in which the asynchronous review results still decide the claim."""

PENDED = frozenset({S.PENDED_AUTH, S.PENDED_REVIEW})
"""Statuses the ops queue lists."""


def can_move(current: ClaimStatus | None, target: ClaimStatus) -> bool:
    """Tell whether the state machine allows ``current`` -> ``target``."""
    return target in ALLOWED[current]


def check_transition(current: ClaimStatus | None, target: ClaimStatus) -> None:
    """Refuse a transition the state machine does not allow (409)."""
    if not can_move(current, target):
        raise Conflict(
            f"A claim in status {current or 'none'} cannot move to {target}.",
            current_status=current,
        )
