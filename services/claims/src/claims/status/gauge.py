"""The ``claimflow_claims_by_status`` gauge, refreshed by a periodic task of the claims worker."""

from __future__ import annotations

from opentelemetry.instrumentation.utils import suppress_instrumentation

from claimflow_shared.observability.metrics import GaugeStore
from claimflow_shared.runtime import Runtime
from claimflow_shared.tasks import PeriodicTask
from claims.status.machine import ClaimStatus
from claims.status.repository import ClaimListRepository

NAME = "claimflow_claims_by_status"


class StatusCounter:
    """Counts claims per status into a gauge (every status appears, zero when empty)."""

    def __init__(self, runtime: Runtime) -> None:
        self.store: GaugeStore = runtime.telemetry.metrics.gauge(
            NAME, "Claims in each status, all tenants"
        )
        self._runtime = runtime

    async def refresh(self) -> int:
        """Count once; return how many claims there are."""
        with suppress_instrumentation():
            async with self._runtime.database.session() as session:
                counts = await ClaimListRepository(session).count_by_status()
        self.store.replace(
            ({"status": status.value}, float(counts.get(status.value, 0))) for status in ClaimStatus
        )
        return sum(counts.values())


def status_gauge_task(runtime: Runtime, *, interval: float) -> PeriodicTask:
    """The worker task keeping the gauge current."""
    counter = StatusCounter(runtime)
    return PeriodicTask(
        name="claims.status-gauge",
        tracer=runtime.telemetry.tracer,
        interval=interval,
        tick=counter.refresh,
    )
