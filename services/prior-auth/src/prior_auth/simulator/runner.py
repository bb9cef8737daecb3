"""The payer simulator's pass: apply each planned decision once its time has come.

Plans are made by ``simulator.rules`` from the payer's profile and counted from the request's
last step, so nothing about a plan needs storing; requests are taken ``FOR UPDATE SKIP
LOCKED``, so several workers may run passes at once. Decisions go through the same service
function as the payer API, with the simulator named as the payer actor in the trail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import AppError
from prior_auth.authorizations import service
from prior_auth.authorizations.mapping import record_of, requested_line
from prior_auth.authorizations.models import Authorization
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.status import AuthorizationStatus
from prior_auth.authorizations.transitions import Actor, ActorKind
from prior_auth.payers.models import SimulatorProfile
from prior_auth.payers.repository import PayerRepository
from prior_auth.simulator.rules import (
    DECIDABLE_STATUSES,
    PlannedDecision,
    RequestSummary,
    SimulatorConfig,
    decide,
    responded_to_pend,
)

log = logging.getLogger(__name__)
SIMULATOR = Actor(kind=ActorKind.PAYER, id="simulator")


def config_of(profile: SimulatorProfile) -> SimulatorConfig:
    """The rules' configuration from a payer's stored profile."""
    return SimulatorConfig(
        gold_card_codes=frozenset(profile.gold_card_codes),
        denied_codes=dict(profile.denied_codes),
        approve_after=timedelta(seconds=profile.approve_after_seconds),
        pend_after=timedelta(seconds=profile.pend_after_seconds),
        deny_after=timedelta(seconds=profile.deny_after_seconds),
        information_needed=profile.information_needed,
        approve_on_appeal=profile.approve_on_appeal,
    )


def _shortest_delay(configs: dict[str, SimulatorConfig]) -> timedelta:
    """The soonest any plan can fall due after a request's last step."""
    return min(
        min(config.approve_after, config.pend_after, config.deny_after)
        for config in configs.values()
    )


async def _plan(
    session: AsyncSession, row: Authorization, config: SimulatorConfig
) -> PlannedDecision | None:
    """The simulator's plan for one request, counted from its last step."""
    repository = AuthorizationRepository(session)
    lines = await repository.lines(row.id)
    trail = [record_of(step) for step in await repository.transitions(row.id)]
    summary = RequestSummary(
        authorization_id=str(row.id),
        status=AuthorizationStatus(row.status),
        lines=tuple(requested_line(line) for line in lines),
        responded=responded_to_pend(trail),
    )
    return decide(request=summary, config=config, now=row.last_transition_at)


async def run_pass(*, session: AsyncSession, now: datetime, limit: int) -> int:
    """Apply the planned decisions that have come due; return how many."""
    profiles = await PayerRepository(session).profiles()
    configs = {profile.payer_id: config_of(profile) for profile in profiles}
    if not configs:
        return 0
    rows = await AuthorizationRepository(session).awaiting_simulation(
        payer_ids=sorted(configs),
        statuses=sorted(status.value for status in DECIDABLE_STATUSES),
        before=now - _shortest_delay(configs),
        limit=limit,
    )
    applied = 0
    for row in rows:
        plan = await _plan(session, row, configs[row.payer_id])
        if plan is None or plan.at > now:
            continue
        try:
            await service.act(
                session=session,
                authorization_id=row.id,
                viewer=None,
                command=plan.decision,
                actor=SIMULATOR,
                now=now,
            )
        except AppError as error:
            log.warning("simulator: decision on %s refused (%s)", row.id, error.slug)
            continue
        applied += 1
    return applied
