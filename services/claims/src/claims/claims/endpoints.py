"""HTTP routes for submitting and reading claims."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, status

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import NotFound, ValidationFailed, error_responses
from claims.claims import service
from claims.claims.repository import ClaimRepository
from claims.claims.schemas import ClaimAccepted, ClaimIn, ClaimOut, TransitionOut

router = APIRouter(prefix="/v1/claims", tags=["claims"])


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    responses=error_responses(ValidationFailed),
)
async def submit_claim(
    claim_in: ClaimIn, session: SessionDep, principal: CurrentPrincipal
) -> ClaimAccepted:
    """Accept a claim for review; it is durable when this answers."""
    claim = await service.submit(session=session, principal=principal, claim_in=claim_in)
    return ClaimAccepted(
        claim_id=claim.id, status=claim.status, status_url=f"/v1/claims/{claim.id}"
    )


@router.get("/{claim_id}", responses=error_responses(NotFound))
async def get_claim(
    claim_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ClaimOut:
    """A claim of the caller's tenant with its findings and history."""
    repository = ClaimRepository(session)
    claim = await repository.get(claim_id, tenant_id=principal.tenant_id)
    if claim is None:
        raise NotFound(f"No claim {claim_id}.")
    history = await repository.history(claim.id)
    return ClaimOut(
        claim_id=claim.id,
        status=claim.status,
        payer_id=claim.payer_id,
        total_charge=claim.total_charge,
        submitted_at=claim.submitted_at,
        code_review=claim.code_review,
        auth_check=claim.auth_check,
        history=[TransitionOut.model_validate(t) for t in history],
    )
