"""Every query of the payer settings and simulator profile tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.payers.models import PayerSettings, SimulatorProfile

PayerRow = TypeVar("PayerRow", PayerSettings, SimulatorProfile)


class PayerRepository:
    """Reads and writes payer settings within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def settings(self, payer_id: str) -> PayerSettings | None:
        """A payer's deadline settings, if configured."""
        return await self.session.get(PayerSettings, payer_id)

    async def profile(self, payer_id: str) -> SimulatorProfile | None:
        """A payer's simulator profile, if any."""
        return await self.session.get(SimulatorProfile, payer_id)

    async def profiles(self) -> list[SimulatorProfile]:
        """Every simulator profile."""
        return list((await self.session.scalars(select(SimulatorProfile))).all())

    async def replace(
        self, model: type[PayerRow], payer_id: str, values: Mapping[str, Any]
    ) -> PayerRow:
        """Create or overwrite the payer's row of one table, locked until the transaction ends."""
        row = await self.session.get(model, payer_id, with_for_update=True)
        if row is None:
            row = model(payer_id=payer_id)
            self.session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        await self.session.flush()
        return row
