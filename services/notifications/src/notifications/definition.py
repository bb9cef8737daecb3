"""The notifications service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from notifications.delivery.handlers import HANDLERS
from notifications.delivery.models import Base
from notifications.settings import NotificationsSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The service's consumer groups."""
    return [consumer_for(runtime, name="notifications.delivery", handlers=HANDLERS)]


DEFINITION = ServiceDefinition(
    name="notifications",
    settings_type=NotificationsSettings,
    routers=[],
    consumers=consumers,
    metadata=Base.metadata,
    migrations=MIGRATIONS,
    title="claimflow notifications",
    description="Signed webhook subscriptions and delivery.",
)
