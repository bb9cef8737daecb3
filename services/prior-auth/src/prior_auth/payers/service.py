"""Payer settings: the deadline policy in force and the simulator profile, read and replaced."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.authorizations.deadlines import DeadlinePolicy
from prior_auth.payers.models import PayerSettings, SimulatorProfile
from prior_auth.payers.policy import PayerPolicy
from prior_auth.payers.repository import PayerRepository
from prior_auth.payers.schemas import (
    PayerSettingsIn,
    PayerSettingsOut,
    SimulatorProfileIn,
    SimulatorProfileOut,
)


def _policy(row: PayerSettings) -> PayerPolicy:
    """The policy a settings row describes."""
    return PayerPolicy(
        deadline=DeadlinePolicy(
            time_zone=row.time_zone,
            standard_days=row.standard_days,
            expedited_hours=row.expedited_hours,
            pause_while_pended=row.pause_while_pended,
        ),
        warn_before_hours=row.warn_before_hours,
        max_extension_days=row.max_extension_days,
        max_extensions=row.max_extensions,
    )


async def policy_for(
    *, session: AsyncSession, payer_id: str, default_time_zone: str
) -> PayerPolicy:
    """The payer's policy, or the CMS-0057-F defaults in the default zone when unset."""
    row = await PayerRepository(session).settings(payer_id)
    if row is None:
        return PayerPolicy(deadline=DeadlinePolicy(time_zone=default_time_zone))
    return _policy(row)


async def read_settings(
    *, session: AsyncSession, payer_id: str, default_time_zone: str
) -> PayerSettingsOut:
    """The settings in force for the payer, saying whether they are its own or the defaults."""
    row = await PayerRepository(session).settings(payer_id)
    if row is None:
        defaults = PayerSettingsIn(time_zone=default_time_zone)
        return PayerSettingsOut(payer_id=payer_id, configured=False, **defaults.model_dump())
    return PayerSettingsOut.model_validate(row)


async def replace_settings(
    *, session: AsyncSession, payer_id: str, settings_in: PayerSettingsIn
) -> PayerSettingsOut:
    """Create or replace the payer's settings; requests already received keep their policy."""
    row = await PayerRepository(session).replace(PayerSettings, payer_id, settings_in.model_dump())
    return PayerSettingsOut.model_validate(row)


async def read_profile(*, session: AsyncSession, payer_id: str) -> SimulatorProfileOut | None:
    """The payer's simulator profile, None when the simulator leaves the payer alone."""
    row = await PayerRepository(session).profile(payer_id)
    return None if row is None else SimulatorProfileOut.model_validate(row)


async def replace_profile(
    *, session: AsyncSession, payer_id: str, profile_in: SimulatorProfileIn
) -> SimulatorProfileOut:
    """Create or replace the payer's simulator profile."""
    row = await PayerRepository(session).replace(
        SimulatorProfile, payer_id, profile_in.model_dump()
    )
    return SimulatorProfileOut.model_validate(row)
