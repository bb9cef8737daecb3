"""HTTP route of X12 278 intake: a 278 request interchange in, the 999 and 278 responses out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import (
    BadRequest,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    error_responses,
)
from claimflow_shared.http.limits import BodyTooLarge
from prior_auth.authorizations.intake import IDEMPOTENCY_HEADER
from prior_auth.dependencies import NowDep, SettingsDep
from prior_auth.x12 import service
from prior_auth.x12.responses import EDI, MULTIPART, respond
from prior_auth.x12.schemas import X12Answer

ACCEPTED_TYPES = (EDI, "text/plain")
router = APIRouter(prefix="/v1/x12", tags=["x12"])


@router.post(
    "/278",
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    response_model=X12Answer,
    responses={
        **error_responses(
            BadRequest, Conflict, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
        ),
        200: {"content": {EDI: {}, MULTIPART: {}}},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {t: {"schema": {"type": "string"}} for t in ACCEPTED_TYPES},
        }
    },
)
async def receive_278(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    content_type: Annotated[str | None, Header()] = None,
    accept: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[
        str | None, Header(alias=IDEMPOTENCY_HEADER, min_length=1, max_length=200)
    ] = None,
) -> Response:
    """Request prior authorization with 278 (005010X217) requests; answer with 278 responses.

    Each request the 999 accepts and that has no request error becomes an authorization, as
    through ``POST /v1/authorizations``; its 278 response carries our reference (REF*NT) and an
    HCR per service. Request errors come back as AAA segments in the loop they concern, envelope
    and syntax errors in the 999. Without a readable ISA header the answer is 400.
    """
    _check_media_type(content_type)
    answer = await service.receive(
        session=session,
        principal=principal,
        body=await _body(request),
        idempotency_key=idempotency_key,
        now=now,
        settings=settings,
    )
    return respond(answer, accept)


def _check_media_type(content_type: str | None) -> None:
    """Refuse bodies that are not X12 text (415)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in ACCEPTED_TYPES:
        raise UnsupportedMediaType(
            f"Send the interchange as {' or '.join(ACCEPTED_TYPES)}.", content_type=media_type
        )


async def _body(request: Request) -> bytes:
    """The whole body; past the body limit, a 413."""
    chunks = []
    try:
        async for chunk in request.stream():
            chunks.append(chunk)
    except BodyTooLarge as exc:
        raise PayloadTooLarge(str(exc.detail)) from exc
    return b"".join(chunks)
