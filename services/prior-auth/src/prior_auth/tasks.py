"""Loops the prior-auth worker runs beside its consumers: the deadline scheduler and the payer
simulator.

The platform's worker runs whatever a service's ``consumers`` factory returns and needs only
``name`` and ``run()``; a periodic task rides along as a consumer of no topic until the
platform has a hook for tasks of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from claimflow_shared.messaging.consumer import EventConsumer
from claimflow_shared.runtime import Runtime
from prior_auth.authorizations import scheduler
from prior_auth.settings import PriorAuthSettings
from prior_auth.simulator import runner

log = logging.getLogger(__name__)

Tick = Callable[[], Awaitable[int]]


class PeriodicTask(EventConsumer):
    """Runs ``tick`` every ``interval`` seconds, in a span, until cancelled."""

    def __init__(self, *, name: str, runtime: Runtime, interval: float, tick: Tick) -> None:
        super().__init__(
            name=name,
            database=runtime.database,
            bus=runtime.bus,
            tracer=runtime.telemetry.tracer,
            handlers={},
            topics=[],
        )
        self._interval = interval
        self._tick = tick
        self._task_tracer = runtime.telemetry.tracer

    async def run(self) -> None:
        """Tick until cancelled."""
        while True:
            await self.run_once()
            await asyncio.sleep(self._interval)

    async def run_once(self) -> int:
        """One tick; a failure is logged by type and retried at the next tick."""
        with self._task_tracer.start_as_current_span(f"task {self.name}") as span:
            try:
                done = await self._tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                span.record_exception(exc)
                log.warning("%s: tick failed (%s)", self.name, type(exc).__name__)
                return 0
            span.set_attribute("claimflow.task.items", done)
            return done


def deadline_task(runtime: Runtime, settings: PriorAuthSettings) -> PeriodicTask:
    """The deadline scheduler: due-soon and overdue warnings, approval expiries."""

    async def tick() -> int:
        """One scheduler pass in its own transaction."""
        async with runtime.database.session() as session:
            report = await scheduler.run_pass(
                session=session, now=settings.clock(), limit=settings.deadline_batch_size
            )
        return report.total

    return PeriodicTask(
        name="priorauth.deadlines",
        runtime=runtime,
        interval=settings.deadline_poll_seconds,
        tick=tick,
    )


def simulator_task(runtime: Runtime, settings: PriorAuthSettings) -> PeriodicTask:
    """The payer simulator: planned decisions for payers with a simulator profile."""

    async def tick() -> int:
        """One simulator pass in its own transaction."""
        async with runtime.database.session() as session:
            return await runner.run_pass(
                session=session, now=settings.clock(), limit=settings.simulator_batch_size
            )

    return PeriodicTask(
        name="priorauth.simulator",
        runtime=runtime,
        interval=settings.simulator_poll_seconds,
        tick=tick,
    )
