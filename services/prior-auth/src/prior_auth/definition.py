"""The prior-auth service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from prior_auth.authorizations.models import Base
from prior_auth.claim_checks.handlers import HANDLERS
from prior_auth.settings import PriorAuthSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The service's consumer groups."""
    return [consumer_for(runtime, name="priorauth.claim-check", handlers=HANDLERS)]


DEFINITION = ServiceDefinition(
    name="prior-auth",
    settings_type=PriorAuthSettings,
    routers=[],
    consumers=consumers,
    metadata=Base.metadata,
    migrations=MIGRATIONS,
    title="claimflow prior-auth",
    description="Prior-authorization requirements, requests, payer decisions and deadlines.",
)
