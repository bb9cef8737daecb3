"""Joining the asynchronous review results, in whatever order they arrive, into a status."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
)
from claims.records.models import Claim
from claims.records.repository import ClaimRepository
from claims.review.decision import decide
from claims.status.machine import AWAITING_REVIEW, ClaimStatus, can_move
from claims.status.transitions import move

SYSTEM = "system:review"


async def record_code_review(
    *, session: AsyncSession, event: ClaimCodeReviewCompleted, now: datetime
) -> None:
    """Keep code-catalog's findings (once) and decide if the authorization check is in too."""
    claim = await ClaimRepository(session).lock(uuid.UUID(event.claim_id))
    if claim is None or claim.code_review is not None:
        return
    claim.code_review = {
        "outcome": event.outcome,
        "findings": [f.model_dump(mode="json") for f in event.findings],
    }
    claim.updated_at = now
    await redecide(session=session, claim=claim, now=now)


async def record_auth_check(
    *, session: AsyncSession, event: ClaimAuthorizationCheckCompleted, now: datetime
) -> None:
    """Keep prior-auth's latest per-line answers while they can still change the claim.

    A later answer for a claim pended for authorization (the payer approved) decides again.
    """
    claim = await ClaimRepository(session).lock(uuid.UUID(event.claim_id))
    if claim is None or ClaimStatus(claim.status) not in AWAITING_REVIEW:
        return
    claim.auth_check = {
        "outcome": event.outcome,
        "lines": [line.model_dump(mode="json") for line in event.lines],
    }
    claim.updated_at = now
    await redecide(session=session, claim=claim, now=now)


async def redecide(
    *, session: AsyncSession, claim: Claim, now: datetime, actor: str = SYSTEM
) -> ClaimStatus:
    """Move a locked claim where both results and the overrides put it; return its status."""
    current = ClaimStatus(claim.status)
    if claim.code_review is None or claim.auth_check is None:
        return current
    overrides = await ClaimRepository(session).overrides(claim.id)
    decision = decide(
        code_review=claim.code_review, auth_check=claim.auth_check, overrides=overrides
    )
    if decision.status == current or not can_move(current, decision.status):
        return current
    await move(
        session,
        claim,
        decision.status,
        reason=decision.reason,
        actor=actor,
        at=now,
        findings=decision.rules,
    )
    return decision.status
