"""Every query of the claims service's claim tables."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.claims.models import Claim, ClaimTransition


class ClaimRepository:
    """Reads and writes claims within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, claim: Claim) -> None:
        """Stage a new claim."""
        self.session.add(claim)

    async def get(self, claim_id: uuid.UUID, *, tenant_id: str | None = None) -> Claim | None:
        """A claim by id, optionally only if it belongs to ``tenant_id``."""
        query = select(Claim).where(Claim.id == claim_id)
        if tenant_id is not None:
            query = query.where(Claim.tenant_id == tenant_id)
        return (await self.session.scalars(query)).first()

    async def lock(self, claim_id: uuid.UUID) -> Claim | None:
        """A claim, row-locked until the transaction ends (joins arrive concurrently)."""
        return (
            await self.session.scalars(select(Claim).where(Claim.id == claim_id).with_for_update())
        ).first()

    def record_transition(self, transition: ClaimTransition) -> None:
        """Stage a history entry."""
        self.session.add(transition)

    async def history(self, claim_id: uuid.UUID) -> list[ClaimTransition]:
        """A claim's transitions, oldest first."""
        rows = await self.session.scalars(
            select(ClaimTransition)
            .where(ClaimTransition.claim_id == claim_id)
            .order_by(ClaimTransition.id)
        )
        return list(rows.all())
