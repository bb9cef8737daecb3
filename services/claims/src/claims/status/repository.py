"""Listing a tenant's claims in keyset order, and counting claims per status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from claims.records.models import Claim
from claims.status.cursor import Position
from claims.status.machine import ClaimStatus


class ClaimListRepository:
    """Pages of claims and status counts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(
        self,
        *,
        tenant_id: str,
        statuses: frozenset[ClaimStatus] | None,
        since: datetime | None,
        after: Position | None,
        limit: int,
    ) -> list[Claim]:
        """Up to ``limit`` claims after ``after`` in (submitted_at, id) order."""
        query = select(Claim).where(Claim.tenant_id == tenant_id)
        if statuses:
            query = query.where(Claim.status.in_([s.value for s in statuses]))
        if since is not None:
            query = query.where(Claim.submitted_at >= since)
        if after is not None:
            query = query.where(
                tuple_(Claim.submitted_at, Claim.id) > tuple_(after.submitted_at, after.claim_id)
            )
        query = query.order_by(Claim.submitted_at, Claim.id).limit(limit)
        return list((await self.session.scalars(query)).all())

    async def count_by_status(self) -> dict[str, int]:
        """How many claims are in each status, over every tenant."""
        rows = await self.session.execute(select(Claim.status, func.count()).group_by(Claim.status))
        return {status: count for status, count in rows.all()}
