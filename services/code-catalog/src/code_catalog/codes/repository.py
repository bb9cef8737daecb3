"""Every query over codes and releases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.codes.models import Code


class CodeRepository:
    """Reads codes within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def versions_of(self, codes: Iterable[str], *, systems: Iterable[str]) -> list[Code]:
        """Every dated version of the given codes in the given systems, in one query."""
        wanted = sorted(set(codes))
        if not wanted:
            return []
        rows = await self.session.scalars(
            select(Code).where(Code.code.in_(wanted), Code.code_system.in_(list(systems)))
        )
        return list(rows.all())

    async def as_of(self, code: str, on: date) -> Code | None:
        """The version of ``code`` valid on ``on``."""
        rows = await self.session.scalars(
            select(Code)
            .where(Code.code == code, Code.effective_date <= on)
            .where((Code.termination_date.is_(None)) | (Code.termination_date >= on))
            .order_by(Code.effective_date.desc())
            .limit(1)
        )
        return rows.first()
