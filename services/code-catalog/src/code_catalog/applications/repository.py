"""Every query over applications, their history, the panel calendar and custom codes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.applications.models import (
    ApplicationEvent,
    CodeApplication,
    CustomCodeMapping,
    PanelMeeting,
)


class ApplicationRepository:
    """Reads and writes applications within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, application_id: uuid.UUID, *, tenant_id: str | None, lock: bool = False
    ) -> CodeApplication | None:
        """One application, only within ``tenant_id`` when given; locked for an update."""
        query = select(CodeApplication).where(CodeApplication.id == application_id)
        if tenant_id is not None:
            query = query.where(CodeApplication.tenant_id == tenant_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def listed(
        self, *, tenant_id: str | None, status: str | None, limit: int
    ) -> Sequence[CodeApplication]:
        """Applications, the newest first."""
        query = select(CodeApplication).order_by(CodeApplication.created_at.desc()).limit(limit)
        if tenant_id is not None:
            query = query.where(CodeApplication.tenant_id == tenant_id)
        if status is not None:
            query = query.where(CodeApplication.status == status)
        return (await self.session.scalars(query)).all()

    async def history(self, application_id: uuid.UUID) -> Sequence[ApplicationEvent]:
        """An application's audit trail, oldest first."""
        return (
            await self.session.scalars(
                select(ApplicationEvent)
                .where(ApplicationEvent.application_id == application_id)
                .order_by(ApplicationEvent.id)
            )
        ).all()

    async def add(self, *rows: CodeApplication | ApplicationEvent | PanelMeeting) -> None:
        """Store new rows."""
        self.session.add_all(rows)
        await self.session.flush()

    async def meeting(self, meeting_id: int | None) -> PanelMeeting | None:
        """One meeting by id."""
        return await self.session.get(PanelMeeting, meeting_id) if meeting_id else None

    async def meetings_by_id(self, ids: set[int]) -> dict[int, PanelMeeting]:
        """Some meetings by id, in one query."""
        if not ids:
            return {}
        rows = await self.session.scalars(select(PanelMeeting).where(PanelMeeting.id.in_(ids)))
        return {meeting.id: meeting for meeting in rows}

    async def next_open_meeting(self, today: date) -> PanelMeeting | None:
        """The first meeting whose agenda deadline has not passed."""
        return await self.session.scalar(
            select(PanelMeeting)
            .where(PanelMeeting.agenda_deadline >= today)
            .order_by(PanelMeeting.meeting_date)
            .limit(1)
        )

    async def meetings(self, since: date | None) -> Sequence[PanelMeeting]:
        """The calendar, from a date on."""
        query = select(PanelMeeting).order_by(PanelMeeting.meeting_date)
        if since is not None:
            query = query.where(PanelMeeting.meeting_date >= since)
        return (await self.session.scalars(query)).all()

    async def meeting_on(self, day: date) -> PanelMeeting | None:
        """The meeting held on a day, if any."""
        return await self.session.scalar(
            select(PanelMeeting).where(PanelMeeting.meeting_date == day)
        )


class CustomCodeRepository:
    """Reads and writes a tenant's custom code mappings."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tenant_id: str, custom_code: str) -> CustomCodeMapping | None:
        """One mapping of a tenant."""
        return await self.session.scalar(
            select(CustomCodeMapping).where(
                CustomCodeMapping.tenant_id == tenant_id,
                CustomCodeMapping.custom_code == custom_code,
            )
        )

    async def listed(self, tenant_id: str) -> Sequence[CustomCodeMapping]:
        """Every mapping of a tenant."""
        return (
            await self.session.scalars(
                select(CustomCodeMapping)
                .where(CustomCodeMapping.tenant_id == tenant_id)
                .order_by(CustomCodeMapping.custom_code)
            )
        ).all()

    async def add(self, mapping: CustomCodeMapping) -> None:
        """Store a new mapping."""
        self.session.add(mapping)
        await self.session.flush()
