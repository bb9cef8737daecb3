"""A small demo code set, authorization rule and simulated payer, written for `make run`.

CPT codes appear without descriptors: CPT descriptors are AMA copyright and never shipped.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.codes.models import Code, Release
from prior_auth.payers.models import PayerSettings, SimulatorProfile
from prior_auth.payers.schemas import PayerSettingsIn, SimulatorProfileIn
from prior_auth.requirements.models import Requirement

DEMO_PAYER = "DEMO-PAYER"
START = date(2025, 1, 1)

DEMO_CODES: tuple[tuple[str, str, str, str], ...] = (
    ("hcpcs", "G0008", "Flu vaccine admin", "Giving an influenza vaccine"),
    ("hcpcs", "J1100", "Dexamethasone inj", "Injection of dexamethasone, per 1 mg"),
    ("hcpcs", "E0114", "Crutches underarm pair", "Underarm crutches, other than wood, a pair"),
    ("hcpcs", "A0428", "Ambulance BLS", "Basic life support ambulance, non-emergency"),
    ("cpt", "99213", "", ""),
    ("cpt", "99214", "", ""),
    ("cpt", "29881", "", ""),
    ("icd10cm", "J101", "Flu due to other identified virus", "Influenza with respiratory signs"),
    ("icd10cm", "M2351", "Chronic instability of knee", "Chronic instability of knee, right"),
    ("icd10cm", "E119", "Type 2 diabetes w/o complications", "Type 2 diabetes mellitus"),
)

DEMO_PAYER_SETTINGS = PayerSettingsIn(time_zone="America/New_York", pause_while_pended=True)
DEMO_SIMULATOR = SimulatorProfileIn(
    gold_card_codes=["E0114"],
    denied_codes={"E0100": "Cane: not medically necessary without a documented gait assessment"},
    approve_after_seconds=5,
    pend_after_seconds=5,
    deny_after_seconds=5,
)


async def seed_catalog(session: AsyncSession) -> int:
    """Add the demo codes once; return how many were added."""
    if await session.scalar(select(Release.id).where(Release.version == "demo")):
        return 0
    release = Release(code_system="demo", version="demo", effective_date=START)
    session.add(release)
    await session.flush()
    for system, code, short, long in DEMO_CODES:
        session.add(
            Code(
                code_system=system,
                code=code,
                category=None,
                short_descriptor=short or None,
                long_descriptor=long or None,
                billable=True,
                effective_date=START,
                release_id=release.id,
            )
        )
    return len(DEMO_CODES)


async def seed_prior_auth(session: AsyncSession) -> int:
    """Make durable medical equipment (E0100–E0999) need authorization at the demo payer, give
    the payer its deadline policy and a simulator profile; add only what is missing."""
    added = 0
    if not await session.scalar(select(Requirement.id).where(Requirement.payer_id == DEMO_PAYER)):
        session.add(
            Requirement(
                payer_id=DEMO_PAYER, code_from="E0100", code_to="E0999", effective_from=START
            )
        )
        added += 1
    if await session.get(PayerSettings, DEMO_PAYER) is None:
        session.add(PayerSettings(payer_id=DEMO_PAYER, **DEMO_PAYER_SETTINGS.model_dump()))
        added += 1
    if await session.get(SimulatorProfile, DEMO_PAYER) is None:
        session.add(SimulatorProfile(payer_id=DEMO_PAYER, **DEMO_SIMULATOR.model_dump()))
        added += 1
    return added
