"""The ``claimflow_claims_by_status`` gauge, refreshed by a loop in the claims worker.

The platform's worker runs whatever the service's consumer factory returns and needs only
``name`` and ``run()``; this refresher rides along as a consumer of no topic.
"""

from __future__ import annotations

import asyncio
import logging

from opentelemetry.instrumentation.utils import suppress_instrumentation

from claimflow_shared.messaging.consumer import EventConsumer
from claimflow_shared.observability.metrics import GaugeStore
from claimflow_shared.runtime import Runtime
from claims.status.machine import ClaimStatus
from claims.status.repository import ClaimListRepository

log = logging.getLogger(__name__)
NAME = "claimflow_claims_by_status"


class StatusGauge(EventConsumer):
    """Counts claims per status every ``interval`` seconds into a gauge."""

    def __init__(self, runtime: Runtime, *, interval: float) -> None:
        super().__init__(
            name="claims.status-gauge",
            database=runtime.database,
            bus=runtime.bus,
            tracer=runtime.telemetry.tracer,
            handlers={},
            topics=[],
        )
        self.store: GaugeStore = runtime.telemetry.metrics.gauge(
            NAME, "Claims in each status, all tenants"
        )
        self._runtime = runtime
        self._interval = interval

    async def run(self) -> None:
        """Refresh until cancelled."""
        while True:
            await self.refresh()
            await asyncio.sleep(self._interval)

    async def refresh(self) -> None:
        """Count once; every status appears, zero when no claim is in it."""
        try:
            with suppress_instrumentation():
                async with self._runtime.database.session() as session:
                    counts = await ClaimListRepository(session).count_by_status()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("claims by status not counted (%s)", type(exc).__name__)
            return
        self.store.replace(
            ({"status": status.value}, float(counts.get(status.value, 0))) for status in ClaimStatus
        )
