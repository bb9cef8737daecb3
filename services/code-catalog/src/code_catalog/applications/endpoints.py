"""HTTP routes of new-code applications, the panel calendar and custom codes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    error_responses,
)
from code_catalog.applications import custom_codes, meetings, service
from code_catalog.applications.schemas import (
    ApplicationIn,
    ApplicationListOut,
    ApplicationOut,
    ApplicationPatch,
    CustomCodeIn,
    CustomCodeListOut,
    CustomCodeOut,
    MeetingIn,
    MeetingOut,
    TransitionIn,
)
from code_catalog.applications.workflow import Status

router = APIRouter(prefix="/v1", tags=["applications"])
Submitter = Depends(require_roles(Role.SUBMITTER))
Panel = Depends(require_roles(Role.OPS))
ERRORS = error_responses(NotFound, Forbidden, Conflict, ValidationFailed)


def today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


@router.post(
    "/applications",
    status_code=201,
    summary="Start a new-code application",
    dependencies=[Submitter],
    responses=ERRORS,
)
async def create_application(
    body: ApplicationIn, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationOut:
    """A draft of the caller's tenant."""
    return await service.create(session=session, principal=principal, body=body)


@router.get("/applications", summary="Applications the caller may see")
async def list_applications(
    session: SessionDep,
    principal: CurrentPrincipal,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ApplicationListOut:
    """The tenant's own applications; every tenant's for the panel."""
    return await service.list_applications(
        session=session, principal=principal, status=status, limit=limit
    )


@router.get(
    "/applications/{application_id}", summary="One application and its history", responses=ERRORS
)
async def get_application(
    application_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationOut:
    """An application with its audit trail; another tenant's answers 404."""
    return await service.get(session=session, principal=principal, application_id=application_id)


@router.patch("/applications/{application_id}", summary="Edit a draft", responses=ERRORS)
async def update_application(
    application_id: uuid.UUID,
    body: ApplicationPatch,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ApplicationOut:
    """Change a draft, or an application the panel asked for information on."""
    return await service.update(
        session=session, principal=principal, application_id=application_id, body=body
    )


@router.post(
    "/applications/{application_id}/transitions", summary="Move an application on", responses=ERRORS
)
async def transition_application(
    application_id: uuid.UUID,
    body: TransitionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ApplicationOut:
    """Submit, review, request information, respond, approve, reject, withdraw or publish;
    an action the status does not allow answers 409 naming the status."""
    return await service.transition(
        session=session,
        principal=principal,
        application_id=application_id,
        body=body,
        today=today(),
    )


@router.get("/panel-meetings", summary="The panel's meeting calendar")
async def list_panel_meetings(
    session: SessionDep, principal: CurrentPrincipal, since: date | None = None
) -> list[MeetingOut]:
    """Meetings from a date on (all when omitted)."""
    return await meetings.list_meetings(session=session, since=since)


@router.post(
    "/panel-meetings",
    status_code=201,
    summary="Add a panel meeting",
    dependencies=[Panel],
    responses=ERRORS,
)
async def add_panel_meeting(
    body: MeetingIn, session: SessionDep, principal: CurrentPrincipal
) -> MeetingOut:
    """A meeting and the last day applications may join its agenda."""
    return await meetings.add_meeting(session=session, body=body)


@router.post(
    "/custom-codes",
    status_code=201,
    summary="Map a custom code to a billing code",
    dependencies=[Submitter],
    responses=ERRORS,
)
async def create_custom_code(
    body: CustomCodeIn, session: SessionDep, principal: CurrentPrincipal
) -> CustomCodeOut:
    """The billing code the tenant uses for its custom code until its new code takes effect."""
    return await custom_codes.create_mapping(
        session=session, principal=principal, body=body, today=today()
    )


@router.get("/custom-codes", summary="The tenant's custom codes")
async def list_custom_codes(
    session: SessionDep, principal: CurrentPrincipal, as_of: date | None = None
) -> CustomCodeListOut:
    """Every custom code of the caller's tenant and what to bill for it."""
    return await custom_codes.list_mappings(
        session=session, principal=principal, on=as_of or today()
    )


@router.get(
    "/custom-codes/{custom_code}", summary="What to bill for a custom code", responses=ERRORS
)
async def get_custom_code(
    custom_code: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    as_of: date | None = None,
) -> CustomCodeOut:
    """The interim billing code, or the published code once it is in effect on ``as_of``."""
    return await custom_codes.lookup_mapping(
        session=session, principal=principal, custom_code=custom_code, on=as_of or today()
    )
