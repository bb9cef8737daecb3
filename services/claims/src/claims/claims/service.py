"""Claim intake, the join of the asynchronous reviews, and status changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
    ClaimStatusChanged,
    ClaimSubmitted,
)
from claimflow_shared.events.contracts.claims import SubmittedLine
from claimflow_shared.messaging import outbox
from claims.claims.models import Claim, ClaimTransition
from claims.claims.repository import ClaimRepository
from claims.claims.schemas import ClaimIn
from claims.claims.status import ClaimStatus, check_transition


async def submit(*, session: AsyncSession, principal: Principal, claim_in: ClaimIn) -> Claim:
    """Store a claim as received and announce it, in the caller's transaction."""
    repository = ClaimRepository(session)
    claim = Claim(
        id=uuid.uuid4(),
        tenant_id=principal.tenant_id,
        status=ClaimStatus.RECEIVED,
        payer_id=claim_in.payer_id,
        billing_npi=claim_in.billing_npi,
        patient_ref=claim_in.patient_ref,
        place_of_service=claim_in.place_of_service,
        total_charge=claim_in.total_charge,
        body=claim_in.model_dump(mode="json"),
        submitted_at=datetime.now(UTC),
    )
    repository.add(claim)
    await _transition(
        session,
        claim,
        ClaimStatus.RECEIVED,
        reason="submitted",
        actor=f"key:{principal.key_id}",
        from_status=None,
    )
    outbox.publish(session, _submitted_event(claim, claim_in))
    return claim


def _submitted_event(claim: Claim, claim_in: ClaimIn) -> ClaimSubmitted:
    return ClaimSubmitted(
        claim_id=str(claim.id),
        tenant_id=claim.tenant_id,
        payer_id=claim.payer_id,
        billing_npi=claim.billing_npi,
        patient_ref=claim.patient_ref,
        place_of_service=claim.place_of_service,
        diagnosis_codes=claim_in.diagnosis_codes,
        lines=[
            SubmittedLine(
                line_number=number,
                code=line.code,
                modifiers=line.modifiers,
                units=line.units,
                charge=line.charge,
                service_date_from=line.service_date,
                service_date_to=line.service_date_to or line.service_date,
                diagnosis_pointers=line.diagnosis_pointers,
            )
            for number, line in enumerate(claim_in.lines, start=1)
        ],
        total_charge=claim.total_charge,
        submitted_at=claim.submitted_at,
    )


async def record_code_review(*, session: AsyncSession, event: ClaimCodeReviewCompleted) -> None:
    """Keep code-catalog's findings and decide if the authorization check is in too."""
    claim = await ClaimRepository(session).lock(uuid.UUID(event.claim_id))
    if claim is None or claim.code_review is not None:
        return
    claim.code_review = {
        "outcome": event.outcome,
        "findings": [f.model_dump(mode="json") for f in event.findings],
    }
    await _decide_when_joined(session, claim)


async def record_auth_check(
    *, session: AsyncSession, event: ClaimAuthorizationCheckCompleted
) -> None:
    """Keep prior-auth's per-line answers and decide if the code review is in too."""
    claim = await ClaimRepository(session).lock(uuid.UUID(event.claim_id))
    if claim is None or claim.status not in (ClaimStatus.RECEIVED, ClaimStatus.PENDED_AUTH):
        return
    claim.auth_check = {
        "outcome": event.outcome,
        "lines": [line.model_dump(mode="json") for line in event.lines],
    }
    await _decide_when_joined(session, claim)


async def _decide_when_joined(session: AsyncSession, claim: Claim) -> None:
    if claim.code_review is None or claim.auth_check is None:
        return
    target, reason = decide(code_review=claim.code_review, auth_check=claim.auth_check)
    if target != claim.status:
        await _transition(
            session,
            claim,
            target,
            reason=reason,
            actor="system:review",
            from_status=ClaimStatus(claim.status),
        )


def decide(*, code_review: dict[str, Any], auth_check: dict[str, Any]) -> tuple[ClaimStatus, str]:
    """One decision from both results: rejections first, then authorization, then warnings."""
    if code_review["outcome"] == "rejected":
        return ClaimStatus.REJECTED, "code review rejected the claim"
    if auth_check["outcome"] == "denied":
        return ClaimStatus.REJECTED, "a required authorization was denied"
    if auth_check["outcome"] == "pending":
        return ClaimStatus.PENDED_AUTH, "waiting for a required authorization"
    if code_review["outcome"] == "warnings":
        return ClaimStatus.PENDED_REVIEW, "code review warnings need a person"
    return ClaimStatus.ACCEPTED, "code review and authorization check passed"


async def _transition(
    session: AsyncSession,
    claim: Claim,
    target: ClaimStatus,
    *,
    reason: str,
    actor: str,
    from_status: ClaimStatus | None,
) -> None:
    check_transition(from_status, target)
    claim.status = target
    ClaimRepository(session).record_transition(
        ClaimTransition(
            claim_id=claim.id, from_status=from_status, to_status=target, reason=reason, actor=actor
        )
    )
    outbox.publish(
        session,
        ClaimStatusChanged(
            claim_id=str(claim.id),
            tenant_id=claim.tenant_id,
            from_status=from_status,
            to_status=target,
            reason=reason,
            changed_at=datetime.now(UTC),
        ),
    )
