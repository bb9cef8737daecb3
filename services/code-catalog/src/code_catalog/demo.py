"""A small demo catalog written by the project, for `make run` and the cross-service tests.

HCPCS, ICD-10-CM and place-of-service descriptors here are the project's own short wording; CPT
codes and CPT modifiers appear without descriptors (CPT descriptors are AMA copyright). The
edit and fee rows are illustrative, not CMS data.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.applications.models import PanelMeeting
from code_catalog.codes.formats import CodeCategory, CodeSystem
from code_catalog.codes.models import Code
from code_catalog.edits.models import MueLimit, PtpPair
from code_catalog.fees.models import FeeScheduleEntry
from code_catalog.releases.models import Release

DEMO = "demo"
START = date(2025, 1, 1)
CODES: tuple[tuple[CodeSystem, CodeCategory, str, str, str, bool], ...] = (
    (
        CodeSystem.HCPCS,
        CodeCategory.HCPCS_II,
        "G0008",
        "Flu vaccine admin",
        "Giving an influenza vaccine",
        True,
    ),
    (
        CodeSystem.HCPCS,
        CodeCategory.HCPCS_II,
        "J1100",
        "Dexamethasone inj",
        "Injection of dexamethasone, per 1 mg",
        True,
    ),
    (
        CodeSystem.HCPCS,
        CodeCategory.HCPCS_II,
        "E0114",
        "Crutches underarm pair",
        "Underarm crutches, other than wood, a pair",
        True,
    ),
    (
        CodeSystem.HCPCS,
        CodeCategory.HCPCS_II,
        "A0428",
        "Ambulance BLS",
        "Basic life support ambulance, non-emergency",
        True,
    ),
    (CodeSystem.CPT, CodeCategory.CPT_I, "99213", "", "", True),
    (CodeSystem.CPT, CodeCategory.CPT_I, "99214", "", "", True),
    (CodeSystem.CPT, CodeCategory.CPT_I, "29881", "", "", True),
    (CodeSystem.MODIFIER, CodeCategory.MODIFIER, "25", "", "", True),
    (CodeSystem.MODIFIER, CodeCategory.MODIFIER, "59", "", "", True),
    (CodeSystem.MODIFIER, CodeCategory.MODIFIER, "LT", "Left side", "Left side of the body", True),
    (
        CodeSystem.MODIFIER,
        CodeCategory.MODIFIER,
        "RT",
        "Right side",
        "Right side of the body",
        True,
    ),
    (CodeSystem.POS, CodeCategory.POS, "11", "Office", "A practitioner's office", True),
    (CodeSystem.POS, CodeCategory.POS, "12", "Home", "The patient's home", True),
    (CodeSystem.POS, CodeCategory.POS, "21", "Inpatient hospital", "A hospital, admitted", True),
    (
        CodeSystem.POS,
        CodeCategory.POS,
        "22",
        "Outpatient hospital",
        "A hospital, not admitted",
        True,
    ),
    (CodeSystem.POS, CodeCategory.POS, "23", "Emergency room", "A hospital emergency room", True),
    (
        CodeSystem.ICD10CM,
        CodeCategory.ICD10CM,
        "J10",
        "Flu due to other identified virus",
        "Influenza due to other identified influenza virus",
        False,
    ),
    (
        CodeSystem.ICD10CM,
        CodeCategory.ICD10CM,
        "J101",
        "Flu with respiratory signs",
        "Influenza with other respiratory manifestations",
        True,
    ),
    (
        CodeSystem.ICD10CM,
        CodeCategory.ICD10CM,
        "M2351",
        "Chronic instability of knee",
        "Chronic instability of knee, right",
        True,
    ),
    (
        CodeSystem.ICD10CM,
        CodeCategory.ICD10CM,
        "E11",
        "Type 2 diabetes",
        "Type 2 diabetes mellitus",
        False,
    ),
    (
        CodeSystem.ICD10CM,
        CodeCategory.ICD10CM,
        "E119",
        "Type 2 diabetes w/o complications",
        "Type 2 diabetes mellitus without complications",
        True,
    ),
)
MEETING_DAYS = ((2, 5), (5, 7), (9, 24))
AGENDA_WEEKS = 10


def _release() -> Release:
    """The one release the demo rows belong to."""
    return Release(
        code_system=DEMO,
        version="2025",
        effective_date=START,
        source_name="claimflow demo",
        checksum=DEMO,
        records=len(CODES),
        added=len(CODES),
    )


def _codes(release_id: int) -> list[Code]:
    """The demo codes, valid from the start of 2025."""
    return [
        Code(
            system=system.value,
            code=code,
            category=category.value,
            billable=billable,
            short_descriptor=short or None,
            long_descriptor=long or None,
            valid_from=START,
            valid_to=None,
            current=True,
            source=DEMO,
            release_id=release_id,
            attributes={},
        )
        for system, category, code, short, long, billable in CODES
    ]


def _edits(release_id: int) -> list[PtpPair | MueLimit | FeeScheduleEntry]:
    """An illustrative NCCI pair, MUEs and fee rows for the demo codes."""
    fee = {
        "description": "",
        "status_code": "A",
        "non_facility_pe_na": False,
        "facility_pe_na": False,
        "pctc_indicator": "0",
        "global_days": "XXX",
        "conversion_factor": Decimal("33.2875"),
        "effective_date": START,
        "end_date": date(2025, 12, 31),
        "release_id": release_id,
    }
    return [
        PtpPair(
            column1="29881",
            column2="99213",
            effective_date=START,
            modifier_indicator=1,
            prior_to_1996=False,
            rationale="Demo: E/M with a same-day procedure",
            release_id=release_id,
        ),
        MueLimit(
            code="G0008",
            max_units=1,
            adjudication_indicator=2,
            adjudication_label="Date of Service Edit: Policy",
            rationale="Demo",
            valid_from=START,
            release_id=release_id,
        ),
        MueLimit(
            code="J1100",
            max_units=20,
            adjudication_indicator=3,
            adjudication_label="Date of Service Edit: Clinical",
            rationale="Demo",
            valid_from=START,
            release_id=release_id,
        ),
        FeeScheduleEntry(
            code="99213",
            modifier="",
            work_rvu=Decimal("1.30"),
            non_facility_pe_rvu=Decimal("1.33"),
            facility_pe_rvu=Decimal("0.56"),
            mp_rvu=Decimal("0.10"),
            non_facility_total=Decimal("2.73"),
            facility_total=Decimal("1.96"),
            facility_payment=Decimal("65.24"),
            non_facility_payment=Decimal("90.87"),
            **fee,
        ),
    ]


def _meetings(year: int) -> list[PanelMeeting]:
    """Three panel meetings in a year, agendas closing ten weeks before each."""
    return [
        PanelMeeting(
            name=f"Panel {year}-{month:02d}",
            meeting_date=date(year, month, day),
            agenda_deadline=date(year, month, day) - timedelta(weeks=AGENDA_WEEKS),
        )
        for month, day in MEETING_DAYS
    ]


async def _seed_meetings(session: AsyncSession, today: date) -> int:
    """Keep a year of meetings ahead on the calendar."""
    last = await session.scalar(
        select(PanelMeeting.meeting_date).order_by(PanelMeeting.meeting_date.desc()).limit(1)
    )
    added = 0
    for year in (today.year, today.year + 1):
        if last is None or last.year < year:
            meetings = _meetings(year)
            session.add_all(meetings)
            added += len(meetings)
    return added


async def seed_demo(session: AsyncSession, *, today: date) -> int:
    """Add the demo catalog once (and keep the panel calendar a year ahead); return rows added."""
    added = await _seed_meetings(session, today)
    if await session.scalar(select(Release.id).where(Release.code_system == DEMO)):
        return added
    release = _release()
    session.add(release)
    await session.flush()
    rows = [*_codes(release.id), *_edits(release.id)]
    session.add_all(rows)
    await session.flush()
    return added + len(rows)
