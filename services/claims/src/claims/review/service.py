"""Joining the asynchronous review results, in whatever order they arrive, into a status.

Results are joined set by set: every claim a run of results names is locked in one statement
(in id order, so concurrent workers queue instead of deadlocking), their overrides read in one
more, the claims written back and every status change recorded with one more.
Within the set the results are applied in delivery order, so a claim moves exactly as it would
have one result at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from opentelemetry import context as otel_context
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
)
from claims.records.models import Claim
from claims.records.repository import ClaimRepository
from claims.records.together import write_together
from claims.review.decision import decide
from claims.status.machine import AWAITING_REVIEW, ClaimStatus, can_move
from claims.status.transitions import Change, change_of, record, settle

SYSTEM = "system:review"

ReviewResult = ClaimCodeReviewCompleted | ClaimAuthorizationCheckCompleted


@dataclass(frozen=True, slots=True)
class Arrival:
    """One review result to join, with the trace its status change belongs to."""

    result: ReviewResult
    trace_context: otel_context.Context | None = None


async def record_results(
    *, session: AsyncSession, arrivals: Sequence[Arrival], now: datetime
) -> None:
    """Join review results into their claims and move each claim where they put it."""
    repository = ClaimRepository(session)
    claims = await repository.lock_many({uuid.UUID(a.result.claim_id) for a in arrivals})
    # Ops override warnings of pended_review claims only; a claim still received has none.
    overrides = await repository.overrides_of(
        claim_id for claim_id, claim in claims.items() if claim.status != ClaimStatus.RECEIVED
    )
    changes: list[Change] = []
    kept: dict[uuid.UUID, Claim] = {}
    for arrival in arrivals:
        claim = claims.get(uuid.UUID(arrival.result.claim_id))
        if claim is None or not _keep(claim, arrival.result, now):
            continue
        kept[claim.id] = claim
        change = _redecided(claim, overrides.get(claim.id, []), now=now, actor=SYSTEM)
        if change is not None:
            changes.append(change.traced(arrival.trace_context))
    written = repository.review_rows(kept.values())
    if changes:
        await record(session, changes, at=now, updating={Claim: written})
    else:
        await write_together(session, update={Claim: written})


def _keep(claim: Claim, result: ReviewResult, now: datetime) -> bool:
    """Keep a result on its locked claim; False when the claim no longer takes it."""
    if isinstance(result, ClaimCodeReviewCompleted):
        if claim.code_review is not None:
            return False
        claim.code_review = {
            "outcome": result.outcome,
            "findings": [f.model_dump(mode="json") for f in result.findings],
        }
    else:
        if ClaimStatus(claim.status) not in AWAITING_REVIEW:
            return False
        claim.auth_check = {
            "outcome": result.outcome,
            "lines": [line.model_dump(mode="json") for line in result.lines],
        }
    claim.updated_at = now
    return True


def _redecided(
    claim: Claim, overrides: list[tuple[str, int | None]], *, now: datetime, actor: str
) -> Change | None:
    """Move a locked claim where both results and the overrides put it (in memory); return
    the change to record, or None when it stays."""
    current = ClaimStatus(claim.status)
    if claim.code_review is None or claim.auth_check is None:
        return None
    decision = decide(
        code_review=claim.code_review, auth_check=claim.auth_check, overrides=overrides
    )
    if decision.status == current or not can_move(current, decision.status):
        return None
    change = change_of(
        claim, decision.status, reason=decision.reason, actor=actor, findings=decision.rules
    )
    settle(claim, decision.status, at=now)
    return change


async def redecide(
    *, session: AsyncSession, claim: Claim, now: datetime, actor: str = SYSTEM
) -> ClaimStatus:
    """Move a locked claim where both results and the overrides put it; return its status."""
    overrides = await ClaimRepository(session).overrides(claim.id)
    change = _redecided(claim, overrides, now=now, actor=actor)
    if change is not None:
        await record(session, [change], at=now)
    return ClaimStatus(claim.status)
