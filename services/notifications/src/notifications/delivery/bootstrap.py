"""Wire a delivery scheduler from the service's runtime and settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from claimflow_shared.runtime import Runtime
from notifications.delivery.dispatch import Dispatcher
from notifications.delivery.instruments import WebhookMetrics
from notifications.delivery.retry import RandomSource
from notifications.delivery.scheduler import DeliveryScheduler, SchedulerOptions
from notifications.delivery.sender import build_client
from notifications.delivery.url_safety import Resolver, system_resolver
from notifications.settings import NotificationsSettings, notifications_settings


def scheduler_options(settings: NotificationsSettings) -> SchedulerOptions:
    """The scheduler's batch, lease and bounds from the settings."""
    return SchedulerOptions(
        batch_size=settings.delivery_batch_size,
        poll_interval=settings.delivery_poll_seconds,
        lease=settings.delivery_lease,
        max_in_flight=settings.delivery_max_concurrency,
        per_subscription=settings.delivery_per_subscription,
        disable_after=settings.disable_after_failures,
    )


@asynccontextmanager
async def open_scheduler(
    runtime: Runtime,
    *,
    resolver: Resolver = system_resolver,
    rng: RandomSource | None = None,
) -> AsyncIterator[DeliveryScheduler]:
    """A scheduler on the runtime's database with its webhook client, closed afterwards."""
    settings = notifications_settings(runtime.settings)
    config = settings.delivery_config()
    async with build_client(config, resolver=resolver) as client:
        dispatcher = Dispatcher(
            client=client,
            config=config,
            box=settings.secret_box(),
            tracer=runtime.telemetry.tracer,
            clock=settings.clock,
        )
        yield DeliveryScheduler(
            database=runtime.database,
            dispatcher=dispatcher,
            metrics=WebhookMetrics(runtime.telemetry.meter),
            options=scheduler_options(settings),
            now=settings.clock,
            rng=rng,
        )
