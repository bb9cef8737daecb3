"""Building the claim documents the API answers with."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from claims.records.models import Claim
from claims.records.repository import ClaimRepository
from claims.review.findings import all_findings
from claims.status.schemas import (
    ClaimOut,
    ClaimSummary,
    FindingOut,
    LineOut,
    ReviewActionOut,
    TransitionOut,
)


def summary(claim: Claim) -> ClaimSummary:
    """A claim as a list shows it."""
    return ClaimSummary(
        claim_id=claim.id,
        status=claim.status,
        source=claim.source,
        claim_number=claim.claim_number,
        payer_id=claim.payer_id,
        billing_npi=claim.billing_npi,
        patient_ref=claim.patient_ref,
        frequency=claim.frequency,
        total_charge=claim.total_charge,
        service_from=claim.service_from,
        service_to=claim.service_to,
        submitted_at=claim.submitted_at,
        updated_at=claim.updated_at,
        assigned_to=claim.assigned_to,
    )


async def findings_of(session: AsyncSession, claim: Claim) -> list[FindingOut]:
    """Every finding on a claim, overrides applied."""
    overrides = await ClaimRepository(session).overrides(claim.id)
    return findings_with(claim, overrides)


def findings_with(claim: Claim, overrides: list[tuple[str, int | None]]) -> list[FindingOut]:
    """Every finding on a claim, given the warnings ops overrode."""
    merged = all_findings(
        intake=claim.findings,
        code_review=claim.code_review,
        auth_check=claim.auth_check,
        overrides=overrides,
    )
    return [FindingOut.model_validate(finding) for finding in merged]


async def full(session: AsyncSession, claim: Claim) -> ClaimOut:
    """A claim with its lines, findings, review results, history and review actions."""
    repository = ClaimRepository(session)
    head = summary(claim).model_dump()
    return ClaimOut(
        **head,
        rendering_npi=claim.rendering_npi,
        place_of_service=claim.place_of_service,
        original_claim_id=claim.original_claim_id,
        original_claim_ref=claim.original_ref,
        prior_auth_number=claim.prior_auth_number,
        diagnosis_codes=list(claim.diagnosis_codes),
        lines=[LineOut.model_validate(line) for line in await repository.lines(claim.id)],
        findings=await findings_of(session, claim),
        code_review=claim.code_review,
        auth_check=claim.auth_check,
        history=[TransitionOut.model_validate(t) for t in await repository.history(claim.id)],
        review_actions=[
            ReviewActionOut.model_validate(a) for a in await repository.actions(claim.id)
        ],
    )
