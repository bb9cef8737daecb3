"""Queries of payer policies."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.payers.models import PayerPolicy


class PayerPolicyRepository:
    """Reads and writes payer policies within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, payer_id: str) -> PayerPolicy | None:
        """One payer's policy."""
        return await self.session.get(PayerPolicy, payer_id)

    async def list(self, *, limit: int, after: str | None) -> list[PayerPolicy]:
        """Policies in payer id order, after ``after``."""
        query = select(PayerPolicy).order_by(PayerPolicy.payer_id).limit(limit)
        if after is not None:
            query = query.where(PayerPolicy.payer_id > after)
        return list((await self.session.scalars(query)).all())

    async def filing_limits(self, payer_ids: Iterable[str]) -> dict[str, int]:
        """The timely filing limits of the payers that have a policy."""
        ids = sorted(set(payer_ids))
        if not ids:
            return {}
        rows = await self.session.execute(
            select(PayerPolicy.payer_id, PayerPolicy.timely_filing_days).where(
                PayerPolicy.payer_id.in_(ids)
            )
        )
        return {payer_id: days for payer_id, days in rows.all()}

    def add(self, policy: PayerPolicy) -> None:
        """Stage a new policy."""
        self.session.add(policy)
