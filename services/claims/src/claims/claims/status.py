"""The claim state machine."""

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


ALLOWED: dict[ClaimStatus | None, frozenset[ClaimStatus]] = {
    None: frozenset({ClaimStatus.RECEIVED}),
    ClaimStatus.RECEIVED: frozenset(
        {
            ClaimStatus.ACCEPTED,
            ClaimStatus.REJECTED,
            ClaimStatus.PENDED_AUTH,
            ClaimStatus.PENDED_REVIEW,
        }
    ),
    ClaimStatus.PENDED_AUTH: frozenset(
        {ClaimStatus.ACCEPTED, ClaimStatus.REJECTED, ClaimStatus.PENDED_REVIEW}
    ),
    ClaimStatus.PENDED_REVIEW: frozenset({ClaimStatus.ACCEPTED, ClaimStatus.REJECTED}),
    ClaimStatus.ACCEPTED: frozenset(),
    ClaimStatus.REJECTED: frozenset(),
}


def check_transition(current: ClaimStatus | None, target: ClaimStatus) -> None:
    """Refuse a transition the state machine does not allow."""
    if target not in ALLOWED[current]:
        raise Conflict(
            f"A claim in status {current or 'none'} cannot move to {target}.",
            current_status=current,
        )
