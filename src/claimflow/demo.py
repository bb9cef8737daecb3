"""A small demo code set, authorization rule and simulated payer, written for `make run`.

CPT codes appear without descriptors: CPT descriptors are AMA copyright and never shipped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.demo import seed_demo
from prior_auth.payers.models import PayerSettings, SimulatorProfile
from prior_auth.payers.schemas import PayerSettingsIn, SimulatorProfileIn
from prior_auth.requirements.models import Requirement

DEMO_PAYER = "DEMO-PAYER"
START = date(2025, 1, 1)

DEMO_PAYER_SETTINGS = PayerSettingsIn(time_zone="America/New_York", pause_while_pended=True)
DEMO_SIMULATOR = SimulatorProfileIn(
    gold_card_codes=["E0114"],
    denied_codes={"E0100": "Cane: not medically necessary without a documented gait assessment"},
    approve_after_seconds=5,
    pend_after_seconds=5,
    deny_after_seconds=5,
)


async def seed_catalog(session: AsyncSession) -> int:
    """Add the demo catalog once (codes, an edit and fee rows, a panel calendar); return rows."""
    return await seed_demo(session, today=datetime.now(UTC).date())


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
