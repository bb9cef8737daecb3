"""The claims service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from claims.claims.endpoints import router as claims_router
from claims.claims.handlers import HANDLERS
from claims.claims.models import Base
from claims.settings import ClaimsSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The service's consumer groups."""
    return [consumer_for(runtime, name="claims.review", handlers=HANDLERS)]


DEFINITION = ServiceDefinition(
    name="claims",
    settings_type=ClaimsSettings,
    routers=[claims_router],
    consumers=consumers,
    metadata=Base.metadata,
    migrations=MIGRATIONS,
    title="claimflow claims",
    description="Claim intake (JSON and X12 837P), review, status and the ops queue.",
)
