"""HTTP routes for payer settings (deadline policy) and the simulator profile (admin API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Forbidden, NotFound, ValidationFailed, error_responses
from prior_auth.access import require_payer
from prior_auth.dependencies import SettingsDep
from prior_auth.payers import service
from prior_auth.payers.schemas import (
    PayerSettingsIn,
    PayerSettingsOut,
    SimulatorProfileIn,
    SimulatorProfileOut,
)

router = APIRouter(prefix="/v1/payers", tags=["payers"])
PayerId = Annotated[str, Path(min_length=1, max_length=80)]
ADMIN_ONLY = [Depends(require_roles(Role.ADMIN))]


@router.get(
    "/{payer_id}/settings",
    dependencies=[Depends(require_roles(Role.PAYER))],
    responses=error_responses(Forbidden),
)
async def get_payer_settings(
    payer_id: PayerId, session: SessionDep, principal: CurrentPrincipal, settings: SettingsDep
) -> PayerSettingsOut:
    """The payer's decision-deadline policy (the defaults until an admin sets one)."""
    require_payer(principal, payer_id)
    return await service.read_settings(
        session=session, payer_id=payer_id, default_time_zone=settings.default_time_zone
    )


@router.put(
    "/{payer_id}/settings",
    dependencies=ADMIN_ONLY,
    responses=error_responses(Forbidden, ValidationFailed),
)
async def put_payer_settings(
    payer_id: PayerId, settings_in: PayerSettingsIn, session: SessionDep
) -> PayerSettingsOut:
    """Set the payer's deadline policy; it applies to requests received from now on."""
    return await service.replace_settings(
        session=session, payer_id=payer_id, settings_in=settings_in
    )


@router.get(
    "/{payer_id}/simulator",
    dependencies=ADMIN_ONLY,
    responses=error_responses(Forbidden, NotFound),
)
async def get_simulator_profile(payer_id: PayerId, session: SessionDep) -> SimulatorProfileOut:
    """How the payer simulator answers this payer's requests."""
    profile = await service.read_profile(session=session, payer_id=payer_id)
    if profile is None:
        raise NotFound(f"No simulator profile for payer {payer_id}.")
    return profile


@router.put(
    "/{payer_id}/simulator",
    dependencies=ADMIN_ONLY,
    responses=error_responses(Forbidden, ValidationFailed),
)
async def put_simulator_profile(
    payer_id: PayerId, profile_in: SimulatorProfileIn, session: SessionDep
) -> SimulatorProfileOut:
    """Let the simulator (when enabled) decide this payer's requests automatically."""
    return await service.replace_profile(session=session, payer_id=payer_id, profile_in=profile_in)
