"""HTTP routes reading claims: one with findings and history, or a page of them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import NotFound, ValidationFailed, error_responses
from claims.status import service
from claims.status.machine import ClaimStatus
from claims.status.schemas import ClaimOut, ClaimPage

router = APIRouter(prefix="/v1/claims", tags=["status"])


@router.get("", responses=error_responses(ValidationFailed))
async def list_claims(
    session: SessionDep,
    principal: CurrentPrincipal,
    status: Annotated[list[ClaimStatus] | None, Query(description="Only these statuses")] = None,
    since: Annotated[datetime | None, Query(description="Submitted at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200, description="From next_cursor")] = None,
) -> ClaimPage:
    """The tenant's claims, oldest first, with an opaque cursor to the next page."""
    return await service.list_claims(
        session=session,
        principal=principal,
        statuses=frozenset(status) if status else None,
        since=since,
        page_cursor=cursor,
        limit=limit,
    )


@router.get("/{claim_id}", responses=error_responses(NotFound))
async def get_claim(
    claim_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ClaimOut:
    """A claim of the caller's tenant with its lines, findings and history."""
    return await service.get_claim(session=session, principal=principal, claim_id=claim_id)
