"""Receiving a request at most once per Idempotency-Key.

The key is reserved with ``INSERT … ON CONFLICT DO NOTHING`` in the request's transaction, so
a second request with the same key waits for the first to commit, then replays its answer
(same body) or is refused with 422 (different body).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import Conflict, ValidationFailed
from prior_auth.authorizations import service, views
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.schemas import AuthorizationIn, AuthorizationOut

IDEMPOTENCY_HEADER = "Idempotency-Key"
Answer = TypeVar("Answer", bound=BaseModel)


def fingerprint(request_in: AuthorizationIn) -> str:
    """SHA-256 of the request as validated (field order fixed, so key order does not matter)."""
    return hashlib.sha256(request_in.model_dump_json().encode()).hexdigest()


async def _create(
    session: AsyncSession,
    principal: Principal,
    request_in: AuthorizationIn,
    now: datetime,
    default_time_zone: str,
) -> AuthorizationOut:
    """Receive the request and render the answer."""
    authorization = await service.create(
        session=session,
        principal=principal,
        request_in=request_in,
        now=now,
        default_time_zone=default_time_zone,
    )
    return await views.detail(session=session, authorization=authorization)


async def submit(
    *,
    session: AsyncSession,
    principal: Principal,
    request_in: AuthorizationIn,
    idempotency_key: str | None,
    now: datetime,
    default_time_zone: str,
) -> AuthorizationOut:
    """Receive the request, or replay the answer already given for the same key and body."""

    async def create() -> AuthorizationOut:
        return await _create(session, principal, request_in, now, default_time_zone)

    return await once(
        session=session,
        tenant_id=principal.tenant_id,
        key=idempotency_key,
        digest=fingerprint(request_in),
        produce=create,
        answer_type=AuthorizationOut,
    )


async def once(
    *,
    session: AsyncSession,
    tenant_id: str,
    key: str | None,
    digest: str,
    produce: Callable[[], Awaitable[Answer]],
    answer_type: type[Answer],
) -> Answer:
    """Run ``produce`` once per key and keep its answer; a repeat with the same digest gets
    the kept answer, with another digest a 422, while the first is still running a 409."""
    if key is None:
        return await produce()
    repository = AuthorizationRepository(session)
    if await repository.claim_key(tenant_id=tenant_id, key=key, request_sha256=digest):
        answer = await produce()
        await repository.keep_response(
            tenant_id=tenant_id, key=key, response=answer.model_dump(mode="json")
        )
        return answer
    record = await repository.idempotency_record(tenant_id=tenant_id, key=key)
    if record is None or record.response is None:
        raise Conflict(f"The request with {IDEMPOTENCY_HEADER} {key} is in progress.")
    if record.request_sha256 != digest:
        raise ValidationFailed(
            f"{IDEMPOTENCY_HEADER} {key} was used with a different request body.",
            field=IDEMPOTENCY_HEADER,
        )
    return answer_type.model_validate(record.response)
