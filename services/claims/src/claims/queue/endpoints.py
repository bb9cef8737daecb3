"""HTTP routes of the ops review queue (roles ops and admin)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Conflict, NotFound, ValidationFailed, error_responses
from claims.dependencies import SettingsDep
from claims.queue import service
from claims.queue.schemas import DecisionIn, OverrideIn, QueueItem, QueuePage, TakeIn
from claims.routing import JsonRoute
from claims.status.machine import ClaimStatus

router = APIRouter(
    prefix="/v1/review-queue",
    tags=["review queue"],
    route_class=JsonRoute,
    dependencies=[Depends(require_roles(Role.OPS))],
)
ACTION_ERRORS = error_responses(NotFound, Conflict, ValidationFailed)


@router.get("", responses=error_responses(ValidationFailed))
async def list_queue(
    session: SessionDep,
    principal: CurrentPrincipal,
    status: Annotated[
        list[ClaimStatus] | None, Query(description="pended_review, pended_auth")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> QueuePage:
    """The tenant's pended claims with their findings, oldest first."""
    return await service.list_pended(
        session=session,
        principal=principal,
        statuses=frozenset(status) if status else None,
        page_cursor=cursor,
        limit=limit,
    )


@router.post("/{claim_id}/take", responses=ACTION_ERRORS)
async def take(
    claim_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    body: TakeIn | None = None,
) -> QueueItem:
    """Take a pended claim; nobody else can take it or act on it until it leaves the queue."""
    return await service.take(
        session=session,
        principal=principal,
        claim_id=claim_id,
        body=body or TakeIn(),
        now=settings.clock(),
    )


@router.post("/{claim_id}/override", responses=ACTION_ERRORS)
async def override(
    claim_id: uuid.UUID,
    body: OverrideIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> QueueItem:
    """Override a warning with a reason; accepted when nothing else holds the claim."""
    return await service.override(
        session=session, principal=principal, claim_id=claim_id, body=body, now=settings.clock()
    )


@router.post("/{claim_id}/reject", responses=ACTION_ERRORS)
async def reject(
    claim_id: uuid.UUID,
    body: DecisionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> QueueItem:
    """Reject a claim you hold, with a reason."""
    return await service.reject(
        session=session, principal=principal, claim_id=claim_id, body=body, now=settings.clock()
    )


@router.post("/{claim_id}/return", responses=ACTION_ERRORS)
async def return_claim(
    claim_id: uuid.UUID,
    body: DecisionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> QueueItem:
    """Return a claim you hold to the submitter for correction, with a reason."""
    return await service.return_to_submitter(
        session=session, principal=principal, claim_id=claim_id, body=body, now=settings.clock()
    )
