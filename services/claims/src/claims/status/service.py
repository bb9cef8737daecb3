"""Reading claims: one in full, or a page of a tenant's claims."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import NotFound
from claims.records.repository import ClaimRepository
from claims.status import cursor
from claims.status.machine import ClaimStatus
from claims.status.repository import ClaimListRepository
from claims.status.schemas import ClaimOut, ClaimPage
from claims.status.views import full, summary


async def get_claim(
    *, session: AsyncSession, principal: Principal, claim_id: uuid.UUID
) -> ClaimOut:
    """A claim of the caller's tenant in full; another tenant's claim is not found."""
    claim = await ClaimRepository(session).get(claim_id, tenant_id=principal.tenant_id)
    if claim is None:
        raise NotFound(f"No claim {claim_id}.")
    return await full(session, claim)


async def list_claims(
    *,
    session: AsyncSession,
    principal: Principal,
    statuses: frozenset[ClaimStatus] | None,
    since: datetime | None,
    page_cursor: str | None,
    limit: int,
) -> ClaimPage:
    """A page of the tenant's claims in (submitted_at, id) order."""
    after = cursor.decode(page_cursor) if page_cursor else None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    claims = await ClaimListRepository(session).page(
        tenant_id=principal.tenant_id, statuses=statuses, since=since, after=after, limit=limit + 1
    )
    more = len(claims) > limit
    claims = claims[:limit]
    next_cursor = (
        cursor.encode(cursor.Position(claims[-1].submitted_at, claims[-1].id)) if more else None
    )
    return ClaimPage(items=[summary(c) for c in claims], next_cursor=next_cursor)
