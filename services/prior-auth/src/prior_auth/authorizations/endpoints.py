"""HTTP routes for authorization requests, the payer's decisions and the requester's steps."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, status

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Conflict, NotFound, ValidationFailed, error_responses
from prior_auth.access import as_reader
from prior_auth.authorizations import intake, service, views
from prior_auth.authorizations.schemas import (
    AuthorizationIn,
    AuthorizationOut,
    DecisionIn,
    DocumentsIn,
    ExtensionIn,
    HistoryOut,
    LinesIn,
    ReasonIn,
)
from prior_auth.authorizations.status import AuthorizationStatus
from prior_auth.authorizations.transitions import Appeal, Cancel
from prior_auth.dependencies import NowDep, SettingsDep

router = APIRouter(prefix="/v1/authorizations", tags=["authorizations"])
SUBMITTERS = [Depends(require_roles(Role.SUBMITTER))]
STEP_ERRORS = error_responses(NotFound, Conflict, ValidationFailed)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=SUBMITTERS,
    responses=error_responses(Conflict, ValidationFailed),
)
async def submit_authorization(
    request_in: AuthorizationIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    idempotency_key: Annotated[
        str | None, Header(alias=intake.IDEMPOTENCY_HEADER, min_length=1, max_length=200)
    ] = None,
) -> AuthorizationOut:
    """Request prior authorization; the same Idempotency-Key and body answer the same again."""
    return await intake.submit(
        session=session,
        principal=principal,
        request_in=request_in,
        idempotency_key=idempotency_key,
        now=now,
        default_time_zone=settings.default_time_zone,
    )


@router.get("")
async def list_authorizations(
    session: SessionDep,
    principal: CurrentPrincipal,
    status_is: Annotated[AuthorizationStatus | None, Query(alias="status")] = None,
    payer_id: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[AuthorizationOut]:
    """The caller's authorizations (a payer key: those addressed to its payer), newest first."""
    return await views.page(
        session=session,
        viewer=as_reader(principal),
        status=status_is,
        payer_id=payer_id,
        limit=limit,
    )


@router.get("/{authorization_id}", responses=error_responses(NotFound))
async def get_authorization(
    authorization_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> AuthorizationOut:
    """An authorization as it stands, with its lines, documents and deadline."""
    authorization = await views.visible(
        session=session, authorization_id=authorization_id, viewer=as_reader(principal)
    )
    return await views.detail(session=session, authorization=authorization)


@router.get("/{authorization_id}/history", responses=error_responses(NotFound))
async def get_history(
    authorization_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> HistoryOut:
    """The whole history of the authorization: every step, who took it and when."""
    return await views.history(
        session=session, authorization_id=authorization_id, viewer=as_reader(principal)
    )


@router.post(
    "/{authorization_id}/decisions",
    dependencies=[Depends(require_roles(Role.PAYER))],
    responses=STEP_ERRORS,
)
async def record_decision(
    authorization_id: uuid.UUID,
    decision_in: DecisionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> AuthorizationOut:
    """Record the payer's decision (HCR01 A1, A2, A3, A4, A6, CT or NA)."""
    authorization = await service.decide(
        session=session,
        principal=principal,
        authorization_id=authorization_id,
        decision_in=decision_in,
        now=now,
    )
    return await views.detail(session=session, authorization=authorization)


@router.post(
    "/{authorization_id}/extension",
    dependencies=[Depends(require_roles(Role.PAYER))],
    responses=STEP_ERRORS,
)
async def extend_timeframe(
    authorization_id: uuid.UUID,
    extension_in: ExtensionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> AuthorizationOut:
    """Extend the decision timeframe (CMS-0057-F) of a request or appeal awaiting a decision.

    Allowed once per decision and for at most 14 days unless the payer's settings say
    otherwise; 409 once decided or already extended, 422 past the payer's limit.
    """
    authorization = await service.extend(
        session=session,
        principal=principal,
        authorization_id=authorization_id,
        extension_in=extension_in,
        now=now,
    )
    return await views.detail(session=session, authorization=authorization)


@router.post("/{authorization_id}/documents", dependencies=SUBMITTERS, responses=STEP_ERRORS)
async def add_documents(
    authorization_id: uuid.UUID,
    documents_in: DocumentsIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> AuthorizationOut:
    """Attach documents; on a pended request this answers what the payer asked for."""
    authorization = await service.add_documents(
        session=session,
        principal=principal,
        authorization_id=authorization_id,
        documents_in=documents_in.documents,
        now=now,
    )
    return await views.detail(session=session, authorization=authorization)


@router.put("/{authorization_id}/lines", dependencies=SUBMITTERS, responses=STEP_ERRORS)
async def update_lines(
    authorization_id: uuid.UUID,
    lines_in: LinesIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> AuthorizationOut:
    """Replace the requested lines while no decision is in force."""
    authorization = await service.update_lines(
        session=session,
        principal=principal,
        authorization_id=authorization_id,
        lines_in=lines_in.lines,
        now=now,
    )
    return await views.detail(session=session, authorization=authorization)


async def _requester_command(
    session: SessionDep,
    principal: CurrentPrincipal,
    authorization_id: uuid.UUID,
    command: Cancel | Appeal,
    now: NowDep,
) -> AuthorizationOut:
    """Apply a cancellation or an appeal and show the result."""
    authorization = await service.requester_action(
        session=session,
        principal=principal,
        authorization_id=authorization_id,
        command=command,
        now=now,
    )
    return await views.detail(session=session, authorization=authorization)


@router.post("/{authorization_id}/cancel", dependencies=SUBMITTERS, responses=STEP_ERRORS)
async def cancel(
    authorization_id: uuid.UUID,
    reason_in: ReasonIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> AuthorizationOut:
    """Cancel the request or the authorization (HCR01 C)."""
    command = Cancel(reason=reason_in.reason)
    return await _requester_command(session, principal, authorization_id, command, now)


@router.post("/{authorization_id}/appeal", dependencies=SUBMITTERS, responses=STEP_ERRORS)
async def appeal(
    authorization_id: uuid.UUID,
    reason_in: ReasonIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> AuthorizationOut:
    """Appeal a denial, a partial approval or a modification."""
    command = Appeal(reason=reason_in.reason)
    return await _requester_command(session, principal, authorization_id, command, now)
