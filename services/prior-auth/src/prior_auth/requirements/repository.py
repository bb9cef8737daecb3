"""Every query of the requirement rules table."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.requirements.models import Requirement


class RequirementRepository:
    """Reads and writes requirement rules within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, rule: Requirement) -> None:
        """Stage a new rule."""
        self.session.add(rule)

    async def get(self, rule_id: int) -> Requirement | None:
        """A rule by id."""
        return await self.session.get(Requirement, rule_id)

    async def for_payer(self, payer_id: str) -> list[Requirement]:
        """Every rule of a payer, oldest first."""
        rows = await self.session.scalars(
            select(Requirement).where(Requirement.payer_id == payer_id).order_by(Requirement.id)
        )
        return list(rows.all())

    async def for_payers(self, payer_ids: Iterable[str]) -> list[Requirement]:
        """Every rule of several payers, oldest first."""
        ids = sorted(set(payer_ids))
        if not ids:
            return []
        rows = await self.session.scalars(
            select(Requirement).where(Requirement.payer_id.in_(ids)).order_by(Requirement.id)
        )
        return list(rows.all())

    async def delete(self, rule: Requirement) -> None:
        """Remove a rule."""
        await self.session.delete(rule)
