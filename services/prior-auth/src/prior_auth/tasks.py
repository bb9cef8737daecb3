"""Loops the prior-auth worker runs beside its consumers: the deadline scheduler and the payer
simulator."""

from __future__ import annotations

from claimflow_shared.runtime import Runtime
from claimflow_shared.tasks import PeriodicTask
from prior_auth.authorizations import scheduler
from prior_auth.settings import PriorAuthSettings
from prior_auth.simulator import runner


def deadline_task(runtime: Runtime, settings: PriorAuthSettings) -> PeriodicTask:
    """The deadline scheduler: due-soon and overdue warnings, approval expiries, and the
    ``claimflow_authorizations_overdue`` gauge."""
    overdue = runtime.telemetry.metrics.gauge(
        "claimflow_authorizations_overdue", "Requests waiting for a decision past their due time"
    )

    async def tick() -> int:
        """One scheduler pass in its own transaction, then the overdue count."""
        now = settings.clock()
        async with runtime.database.session() as session:
            report = await scheduler.run_pass(
                session=session, now=now, limit=settings.deadline_batch_size
            )
        async with runtime.database.session() as session:
            overdue.set(await scheduler.overdue_now(session=session, now=now))
        return report.total

    return PeriodicTask(
        name="priorauth.deadlines",
        tracer=runtime.telemetry.tracer,
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
        tracer=runtime.telemetry.tracer,
        interval=settings.simulator_poll_seconds,
        tick=tick,
    )
