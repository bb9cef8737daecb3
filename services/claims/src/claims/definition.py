"""The claims service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from claimflow_shared.tasks import BackgroundTask
from claims.inquiry.endpoints import router as inquiry_router
from claims.intake.endpoints import batch_router
from claims.intake.endpoints import router as intake_router
from claims.patient_refs.endpoints import router as patient_refs_router
from claims.payers.endpoints import router as payers_router
from claims.queue.endpoints import router as queue_router
from claims.review.handlers import review_handlers
from claims.settings import ClaimsSettings
from claims.status.endpoints import router as status_router
from claims.status.gauge import status_gauge_task
from claims.tables import metadata
from claims.x12.endpoints import router as x12_router

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _settings(runtime: Runtime) -> ClaimsSettings:
    """The runtime's settings, which for this service are always ClaimsSettings."""
    if not isinstance(runtime.settings, ClaimsSettings):
        raise TypeError("the claims worker runs on ClaimsSettings")
    return runtime.settings


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The review join: code review and authorization check results."""
    settings = _settings(runtime)
    return [consumer_for(runtime, name="claims.review", handlers=review_handlers(settings.clock))]


def tasks(runtime: Runtime) -> Sequence[BackgroundTask]:
    """The claims-by-status gauge refresher."""
    return [status_gauge_task(runtime, interval=_settings(runtime).status_gauge_seconds)]


DEFINITION = ServiceDefinition(
    name="claims",
    settings_type=ClaimsSettings,
    routers=[
        inquiry_router,
        batch_router,
        intake_router,
        status_router,
        x12_router,
        queue_router,
        payers_router,
        patient_refs_router,
    ],
    consumers=consumers,
    tasks=tasks,
    metadata=metadata,
    migrations=MIGRATIONS,
    title="claimflow claims",
    description=(
        "Claim intake (JSON and X12 837P with 999/277CA), review, status, inquiry and the ops"
        " queue."
    ),
)
