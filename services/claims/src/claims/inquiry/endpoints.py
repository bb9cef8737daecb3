"""``POST /v1/claims/inquiry``: claim status with X12 status category codes."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import ValidationFailed, error_responses
from claims.inquiry import service
from claims.inquiry.schemas import InquiryIn, InquiryOut
from claims.routing import JsonRoute

router = APIRouter(prefix="/v1/claims", tags=["inquiry"], route_class=JsonRoute)


@router.post(
    "/inquiry",
    dependencies=[Depends(require_roles(Role.SUBMITTER, Role.OPS))],
    responses=error_responses(ValidationFailed),
)
async def inquire(body: InquiryIn, session: SessionDep, principal: CurrentPrincipal) -> InquiryOut:
    """The status of a claim by id, or of the claims for a payer, provider, patient and date."""
    return await service.inquire(session=session, principal=principal, inquiry=body)
