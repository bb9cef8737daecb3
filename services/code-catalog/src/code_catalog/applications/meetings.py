"""The panel's meeting calendar."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import Conflict, ValidationFailed
from code_catalog.applications.models import PanelMeeting
from code_catalog.applications.repository import ApplicationRepository
from code_catalog.applications.schemas import MeetingIn, MeetingOut
from code_catalog.applications.service import meeting_out


async def add_meeting(*, session: AsyncSession, body: MeetingIn) -> MeetingOut:
    """Add a meeting; its agenda closes on or before the day it meets."""
    if body.agenda_deadline > body.meeting_date:
        raise ValidationFailed(
            "agenda_deadline must not be after meeting_date", field="agenda_deadline"
        )
    repository = ApplicationRepository(session)
    if await repository.meeting_on(body.meeting_date) is not None:
        raise Conflict(f"a meeting is already held on {body.meeting_date}")
    meeting = PanelMeeting(
        name=body.name, meeting_date=body.meeting_date, agenda_deadline=body.agenda_deadline
    )
    await repository.add(meeting)
    out = meeting_out(meeting)
    assert out is not None
    return out


async def list_meetings(*, session: AsyncSession, since: date | None) -> list[MeetingOut]:
    """The calendar from a date on."""
    meetings = await ApplicationRepository(session).meetings(since)
    return [out for meeting in meetings if (out := meeting_out(meeting)) is not None]
