"""HTTP routes of X12 intake: an 837P interchange in, the 999 and 277CA out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import (
    BadRequest,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    error_responses,
)
from claimflow_shared.http.limits import BodyTooLarge
from claims.dependencies import SettingsDep
from claims.x12 import service
from claims.x12.repository import X12Repository
from claims.x12.responses import EDI, respond
from claims.x12.schemas import X12Answer

ACCEPTED_TYPES = (EDI, "text/plain")
router = APIRouter(prefix="/v1/x12", tags=["x12"])


@router.post(
    "/837",
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    response_model=X12Answer,
    responses={
        **error_responses(BadRequest, PayloadTooLarge, UnsupportedMediaType),
        200: {"content": {EDI: {}, "multipart/mixed": {}}},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {t: {"schema": {"type": "string"}} for t in ACCEPTED_TYPES},
        }
    },
)
async def receive_837(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    content_type: Annotated[str | None, Header()] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Take an 837P (005010X222A1) interchange: good claims in, the 999 and 277CA back.

    The body streams into the reader chunk by chunk (up to the service's body limit, 20 MB by
    default). Without a readable ISA header the answer is 400: there is nobody to address a
    999 to. Sending the same interchange again makes no new claims (envelope key per claim).
    """
    _check_media_type(content_type)
    answer = await service.receive(
        session=session, principal=principal, chunks=_chunks(request), settings=settings
    )
    return respond(answer, accept)


@router.get("/submissions/{submission_id}", responses=error_responses(NotFound))
async def get_submission(
    submission_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> X12Answer:
    """The answer given to an interchange of the caller's tenant (999, 277CA, claims)."""
    submission = await X12Repository(session).get(submission_id, tenant_id=principal.tenant_id)
    if submission is None:
        raise NotFound(f"No interchange {submission_id}.")
    return X12Answer.model_validate(submission.answer)


def _check_media_type(content_type: str | None) -> None:
    """Refuse bodies that are not X12 text (415)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in ACCEPTED_TYPES:
        raise UnsupportedMediaType(
            f"Send the interchange as {' or '.join(ACCEPTED_TYPES)}.", content_type=media_type
        )


async def _chunks(request: Request) -> AsyncIterator[bytes]:
    """The body as it arrives; past the body limit, a 413."""
    try:
        async for chunk in request.stream():
            yield chunk
    except BodyTooLarge as exc:
        raise PayloadTooLarge(str(exc.detail)) from exc
