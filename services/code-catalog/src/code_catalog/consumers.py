"""The worker's consumer groups: claim review, and this process's table refresh."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from claimflow_shared.events.contracts import ClaimSubmitted, CodeSetReleased
from claimflow_shared.messaging.consumer import EventConsumer, Handler
from claimflow_shared.runtime import Runtime
from code_catalog.review.cache import CatalogCache
from code_catalog.review.handlers import ReviewHandlers


class WarmConsumer(EventConsumer):
    """A consumer that loads the review tables before it takes its first event."""

    def __init__(
        self,
        runtime: Runtime,
        cache: CatalogCache,
        *,
        name: str,
        topic: str,
        handlers: Mapping[str, Handler],
    ) -> None:
        super().__init__(
            name=name,
            database=runtime.database,
            bus=runtime.bus,
            tracer=runtime.telemetry.tracer,
            handlers=handlers,
            topics=[topic],
            max_attempts=runtime.settings.consumer_max_attempts,
            backoff=runtime.settings.consumer_backoff_seconds,
            metrics=runtime.telemetry.metrics,
        )
        self.cache = cache

    async def run(self) -> None:
        """Load the tables, then consume until cancelled."""
        await self.cache.load_until_ready()
        await super().run()


def consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    """Review in a shared group; refresh in a group of this process alone (every process
    holding tables must see every release)."""
    handlers = ReviewHandlers(CatalogCache(runtime.database))
    refresh_group = f"codecatalog.tables.{uuid.uuid4().hex[:12]}"
    return [
        WarmConsumer(
            runtime,
            handlers.cache,
            name="codecatalog.review",
            topic=ClaimSubmitted.topic,
            handlers=handlers.review(),
        ),
        WarmConsumer(
            runtime,
            handlers.cache,
            name=refresh_group,
            topic=CodeSetReleased.topic,
            handlers=handlers.refresh(),
        ),
    ]
