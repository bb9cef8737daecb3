"""The delivery scheduler as a background task of the notifications worker."""

from __future__ import annotations

from claimflow_shared.runtime import Runtime
from notifications.delivery.bootstrap import open_scheduler

NAME = "notifications.delivery-scheduler"


class SchedulerTask:
    """Runs the delivery scheduler until cancelled."""

    def __init__(self, runtime: Runtime) -> None:
        self.name = NAME
        self._runtime = runtime

    async def run(self) -> None:
        """Build the scheduler (and its HTTP client) and run it."""
        async with open_scheduler(self._runtime) as scheduler:
            await scheduler.run()
