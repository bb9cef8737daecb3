"""The code-catalog service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from code_catalog.codes.models import Base
from code_catalog.review.handlers import HANDLERS
from code_catalog.settings import CatalogSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The service's consumer groups."""
    return [consumer_for(runtime, name="codecatalog.review", handlers=HANDLERS)]


DEFINITION = ServiceDefinition(
    name="code-catalog",
    settings_type=CatalogSettings,
    routers=[],
    consumers=consumers,
    metadata=Base.metadata,
    migrations=MIGRATIONS,
    title="claimflow code-catalog",
    description="Billing codes, releases, claim-edit tables, fee schedules, new-code applications.",
)
