"""The delivery scheduler as the platform's worker runs it.

The platform's worker runs whatever a service's consumer factory returns and needs only
``name`` and ``run()``; the scheduler rides along as a consumer of no topic until the platform
has a hook for tasks of its own.
"""

from __future__ import annotations

from claimflow_shared.messaging.consumer import EventConsumer
from claimflow_shared.runtime import Runtime
from notifications.delivery.bootstrap import open_scheduler

NAME = "notifications.delivery-scheduler"


class SchedulerTask(EventConsumer):
    """Runs the delivery scheduler until cancelled."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(
            name=NAME,
            database=runtime.database,
            bus=runtime.bus,
            tracer=runtime.telemetry.tracer,
            handlers={},
            topics=[],
        )
        self._runtime = runtime

    async def run(self) -> None:
        """Build the scheduler (and its HTTP client) and run it."""
        async with open_scheduler(self._runtime) as scheduler:
            await scheduler.run()
