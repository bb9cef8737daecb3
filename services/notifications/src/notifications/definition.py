"""The notifications service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, ServiceDefinition
from claimflow_shared.tasks import BackgroundTask
from notifications.delivery.endpoints import router as deliveries_router
from notifications.delivery.handlers import handlers
from notifications.delivery.task import SchedulerTask
from notifications.settings import NotificationsSettings, notifications_settings
from notifications.subscriptions.endpoints import router as subscriptions_router
from notifications.tables import Base

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """The service's consumer group: status events into deliveries."""
    settings = notifications_settings(runtime.settings)
    return [
        consumer_for(
            runtime, name="notifications.delivery", handlers=handlers(clock=settings.clock)
        )
    ]


def tasks(runtime: Runtime) -> Sequence[BackgroundTask]:
    """The delivery scheduler."""
    return [SchedulerTask(runtime)]


DEFINITION = ServiceDefinition(
    name="notifications",
    settings_type=NotificationsSettings,
    routers=[subscriptions_router, deliveries_router],
    consumers=consumers,
    tasks=tasks,
    metadata=Base.metadata,
    migrations=MIGRATIONS,
    title="claimflow notifications",
    description="Signed webhook subscriptions, their deliveries and the delivery log.",
)
