"""Every query over the claim-edit tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.edits.models import AddOnRule, MueLimit, PtpPair


class EditRepository:
    """Reads NCCI PTP, MUE and add-on rows within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ptp_among(self, codes: Sequence[str], on: date | None) -> Sequence[PtpPair]:
        """PTP edits whose two codes are both among ``codes`` (in force on a day, if given)."""
        query = select(PtpPair).where(PtpPair.column1.in_(codes), PtpPair.column2.in_(codes))
        if on is not None:
            query = query.where(
                PtpPair.effective_date <= on,
                or_(PtpPair.deletion_date.is_(None), PtpPair.deletion_date > on),
            )
        query = query.order_by(PtpPair.column1, PtpPair.column2, PtpPair.effective_date)
        return (await self.session.scalars(query)).all()

    async def mue_for(self, codes: Sequence[str], on: date | None) -> Sequence[MueLimit]:
        """MUE limits of ``codes`` in force on a day, or the current ones."""
        query = select(MueLimit).where(MueLimit.code.in_(codes))
        if on is None:
            query = query.where(MueLimit.valid_to.is_(None))
        else:
            query = query.where(
                MueLimit.valid_from <= on,
                or_(MueLimit.valid_to.is_(None), MueLimit.valid_to >= on),
            )
        return (await self.session.scalars(query.order_by(MueLimit.code))).all()

    async def addons_for(self, codes: Sequence[str], on: date | None) -> Sequence[AddOnRule]:
        """Add-on edits of ``codes`` as add-on codes (with all their primaries)."""
        query = select(AddOnRule).where(AddOnRule.addon_code.in_(codes))
        if on is not None:
            query = query.where(
                and_(
                    AddOnRule.effective_date <= on,
                    or_(AddOnRule.deletion_date.is_(None), AddOnRule.deletion_date > on),
                )
            )
        order = (AddOnRule.addon_code, AddOnRule.primary_code, AddOnRule.effective_date)
        return (await self.session.scalars(query.order_by(*order))).all()
