"""HTTP routes of the claim-edit tables."""

from __future__ import annotations

from fastapi import APIRouter

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import ValidationFailed, error_responses
from code_catalog.edits import service
from code_catalog.edits.schemas import EditLookupIn, EditLookupOut

router = APIRouter(prefix="/v1/edits", tags=["edits"])


@router.post(
    "/lookup",
    summary="NCCI PTP, MUE and add-on rows for a set of codes",
    responses=error_responses(ValidationFailed),
)
async def lookup_edits(
    body: EditLookupIn, session: SessionDep, principal: CurrentPrincipal
) -> EditLookupOut:
    """Every edit row that concerns the codes, optionally only those in force on a date."""
    return await service.lookup_edits(session=session, body=body)
