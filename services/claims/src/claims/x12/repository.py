"""Queries of received interchanges and of the acknowledgment control numbers."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.x12.models import CONTROL_NUMBERS, X12Submission


class X12Repository:
    """Interchange records and control numbers, in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_control_number(self) -> int:
        """The next ISA13/GS06 for an outbound acknowledgment."""
        value = await self.session.scalar(select(CONTROL_NUMBERS.next_value()))
        return int(value or 1)

    def add(self, submission: X12Submission) -> None:
        """Stage a received interchange."""
        self.session.add(submission)

    async def get(self, submission_id: uuid.UUID, *, tenant_id: str) -> X12Submission | None:
        """A received interchange of the tenant."""
        return (
            await self.session.scalars(
                select(X12Submission).where(
                    X12Submission.id == submission_id, X12Submission.tenant_id == tenant_id
                )
            )
        ).first()
