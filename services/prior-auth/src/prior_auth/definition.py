"""The prior-auth service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from claimflow_shared.tasks import BackgroundTask
from prior_auth.authorizations.endpoints import router as authorizations_router
from prior_auth.claim_checks.handlers import claim_handlers, recheck_handlers
from prior_auth.metrics.endpoints import router as metrics_router
from prior_auth.payers.endpoints import router as payers_router
from prior_auth.requirements.endpoints import router as requirements_router
from prior_auth.settings import PriorAuthSettings
from prior_auth.tables import metadata
from prior_auth.tasks import deadline_task, simulator_task
from prior_auth.x12.endpoints import router as x12_router

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _settings(runtime: Runtime) -> PriorAuthSettings:
    """The runtime's settings, which for this service are always PriorAuthSettings."""
    if not isinstance(runtime.settings, PriorAuthSettings):
        raise TypeError("the prior-auth worker runs on PriorAuthSettings")
    return runtime.settings


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The claim checks and the re-checks after a decision."""
    settings = _settings(runtime)
    return [
        consumer_for(
            runtime, name="priorauth.claim-check", handlers=claim_handlers(settings.clock)
        ),
        consumer_for(runtime, name="priorauth.recheck", handlers=recheck_handlers(settings.clock)),
    ]


def tasks(runtime: Runtime) -> Sequence[BackgroundTask]:
    """The deadline scheduler and, when enabled, the payer simulator."""
    settings = _settings(runtime)
    found = [deadline_task(runtime, settings)]
    if settings.simulator:
        found.append(simulator_task(runtime, settings))
    return found


DEFINITION = ServiceDefinition(
    name="prior-auth",
    settings_type=PriorAuthSettings,
    routers=[
        requirements_router,
        authorizations_router,
        payers_router,
        metrics_router,
        x12_router,
    ],
    consumers=consumers,
    tasks=tasks,
    metadata=metadata,
    migrations=MIGRATIONS,
    title="claimflow prior-auth",
    description="Prior-authorization requirements, requests, payer decisions and deadlines.",
)
