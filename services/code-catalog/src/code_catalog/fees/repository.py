"""Every query over the fee schedule and payment localities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.fees.models import FeeScheduleEntry, PracticeLocality


class FeeRepository:
    """Reads fee schedule rows within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entry(self, code: str, modifier: str, on: date | None) -> FeeScheduleEntry | None:
        """The row of a code and modifier in force on a day, or the latest when no day is given."""
        query = select(FeeScheduleEntry).where(
            FeeScheduleEntry.code == code, FeeScheduleEntry.modifier == modifier
        )
        if on is not None:
            query = query.where(
                FeeScheduleEntry.effective_date <= on, FeeScheduleEntry.end_date >= on
            )
        query = query.order_by(FeeScheduleEntry.effective_date.desc()).limit(1)
        return await self.session.scalar(query)

    async def periods(self, code: str, modifier: str) -> list[tuple[date, date]]:
        """The date ranges the schedule has rows for, for a helpful 404."""
        rows = await self.session.execute(
            select(FeeScheduleEntry.effective_date, FeeScheduleEntry.end_date)
            .where(FeeScheduleEntry.code == code, FeeScheduleEntry.modifier == modifier)
            .order_by(FeeScheduleEntry.effective_date)
        )
        return [(row.effective_date, row.end_date) for row in rows]

    async def locality(self, locality: str, on: date | None) -> PracticeLocality | None:
        """A locality's GPCIs in force on a day, or the latest."""
        query = select(PracticeLocality).where(PracticeLocality.locality == locality)
        if on is not None:
            query = query.where(
                PracticeLocality.effective_date <= on,
                or_(PracticeLocality.end_date.is_(None), PracticeLocality.end_date >= on),
            )
        query = query.order_by(PracticeLocality.effective_date.desc()).limit(1)
        return await self.session.scalar(query)
