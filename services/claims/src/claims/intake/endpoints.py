"""HTTP routes taking JSON claims in: one at a time, or batches of up to 1,000."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, status
from fastapi.responses import Response

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import DatabaseDep, SessionDep
from claimflow_shared.errors import (
    Conflict,
    PayloadTooLarge,
    ValidationFailed,
    error_responses,
)
from claims.dependencies import SettingsDep
from claims.intake import batches, idempotency
from claims.intake.answers import BatchAccepted, ClaimAccepted, accepted
from claims.intake.group_commit import GroupCommitDep
from claims.intake.mapping import draft_of
from claims.intake.schemas import ClaimIn
from claims.intake.service import submit
from claims.routing import BatchRoute, JsonRoute

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=idempotency.HEADER,
        pattern=idempotency.KEY_PATTERN,
        description="Same key and body: the same answer; same key, other body: 422",
    ),
]
ERRORS = error_responses(ValidationFailed, Conflict, PayloadTooLarge)

router = APIRouter(prefix="/v1/claims", tags=["intake"], route_class=JsonRoute)
batch_router = APIRouter(prefix="/v1/claims", tags=["intake"], route_class=BatchRoute)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    responses=ERRORS,
    response_model=ClaimAccepted,
)
async def submit_claim(
    claim_in: ClaimIn,
    database: DatabaseDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    group: GroupCommitDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Take one claim in; when this answers, the claim and its event are durable.

    Without an Idempotency-Key the claim joins the next group commit (concurrent requests
    share a transaction); with one, it gets its own transaction beside the key's record.
    """

    if idempotency_key is None:
        result = await group.submit(principal, draft_of(claim_in))
        return _response(idempotency.Answer.of(202, accepted(result).model_dump(mode="json")))

    async with database.session() as session:

        async def produce() -> idempotency.Answer:
            [result] = await submit(
                session=session,
                principal=principal,
                drafts=[draft_of(claim_in)],
                now=settings.clock(),
                default_filing_days=settings.timely_filing_days,
            )
            return idempotency.Answer.of(202, accepted(result).model_dump(mode="json"))

        answer = await idempotency.once(
            session=session,
            tenant_id=principal.tenant_id,
            key=idempotency_key,
            endpoint="POST /v1/claims",
            digest=idempotency.request_digest(claim_in.model_dump(mode="json")),
            produce=produce,
        )
    return _response(answer)


@batch_router.post(
    "/batch",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    responses=ERRORS,
    response_model=BatchAccepted,
)
async def submit_batch(
    body: Annotated[dict[str, Any], Body(description='{"claims": [claim, ...]} (up to 1,000)')],
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Take up to 1,000 claims in; each is stored or refused on its own."""
    documents = batches.claims_of(body, limit=settings.batch_max_claims)

    async def produce() -> idempotency.Answer:
        result = await batches.submit_batch(
            session=session, principal=principal, documents=documents, settings=settings
        )
        return idempotency.Answer.of(202, result.model_dump(mode="json"))

    answer = await idempotency.once(
        session=session,
        tenant_id=principal.tenant_id,
        key=idempotency_key,
        endpoint="POST /v1/claims/batch",
        digest=idempotency.request_digest(body),
        produce=produce,
    )
    return _response(answer)


def _response(answer: idempotency.Answer) -> Response:
    """The HTTP response of an answer, marked when it is a replay."""
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    return Response(
        answer.body, status_code=answer.status_code, headers=headers, media_type="application/json"
    )
