"""Void (frequency 8) and replacement (7) claims end the original they name.

The original is found within the tenant by our claim id or by the submitter's claim number
(CLM01), preferring the newest claim that can still be ended. It moves at intake, in the same
transaction as the new claim: prior-auth gives its units back when it sees the new claim's
``ClaimSubmitted`` (frequency and original claim id), not when the new claim is accepted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claims.records.drafts import ClaimDraft, Finding
from claims.records.models import Claim
from claims.records.repository import ClaimRepository
from claims.status.machine import REPLACEABLE, ClaimStatus
from claims.status.transitions import move

VOID = "8"
REPLACEMENT = "7"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to the original: the id it was found under, or why it could not be ended."""

    original_id: uuid.UUID | None
    findings: tuple[Finding, ...] = ()


async def end_original(
    session: AsyncSession,
    *,
    tenant_id: str,
    claim_id: uuid.UUID,
    draft: ClaimDraft,
    actor: str,
    at: datetime,
) -> Outcome:
    """Void or supersede the original ``draft`` names; findings when there is none to end."""
    if draft.frequency not in (VOID, REPLACEMENT):
        return Outcome(None)
    if not draft.original_ref:
        return Outcome(None, (_finding("ORIGINAL_REFERENCE_MISSING", "names no original claim"),))
    candidates = await ClaimRepository(session).lock_originals(
        tenant_id=tenant_id, reference=draft.original_ref, exclude=claim_id
    )
    if not candidates:
        return Outcome(None, (_finding("ORIGINAL_NOT_FOUND", "names no claim of this tenant"),))
    original = _choose(candidates)
    if ClaimStatus(original.status) not in REPLACEABLE:
        message = f"names claim {original.id}, which is {original.status}"
        return Outcome(original.id, (_finding("ORIGINAL_NOT_ACTIVE", message),))
    target, verb = (
        (ClaimStatus.VOIDED, "voided")
        if draft.frequency == VOID
        else (ClaimStatus.REPLACED, "replaced")
    )
    await move(
        session,
        original,
        target,
        reason=f"{verb} by claim {claim_id}",
        actor=actor,
        at=at,
        related_claim_id=str(claim_id),
    )
    return Outcome(original.id)


def _choose(candidates: list[Claim]) -> Claim:
    """The newest candidate that can still be ended, else the newest."""
    return next((c for c in candidates if ClaimStatus(c.status) in REPLACEABLE), candidates[0])


def _finding(rule: str, what: str) -> Finding:
    """A claim-level finding about the original a void or replacement names."""
    return Finding(
        source="intake",
        rule=rule,
        severity="reject",
        message=f"the void or replacement {what}",
    )
