"""Background tasks a service's worker runs beside its consumers (schedulers, simulators)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from opentelemetry import trace

from claimflow_shared.redaction import describe

log = logging.getLogger(__name__)

Tick = Callable[[], Awaitable[int]]


class BackgroundTask(Protocol):
    """Something a worker runs until it is cancelled."""

    name: str

    async def run(self) -> None: ...


class PeriodicTask:
    """Runs ``tick`` every ``interval`` seconds in a span; a failed tick is logged and retried
    at the next one. ``tick`` returns how many items it handled."""

    def __init__(self, *, name: str, tracer: trace.Tracer, interval: float, tick: Tick) -> None:
        self.name = name
        self._tracer = tracer
        self._interval = interval
        self._tick = tick

    async def run(self) -> None:
        """Tick until cancelled."""
        while True:
            await self.run_once()
            await asyncio.sleep(self._interval)

    async def run_once(self) -> int:
        """One tick; a failure is logged and counts as nothing done."""
        with self._tracer.start_as_current_span(f"task {self.name}") as span:
            try:
                done = await self._tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                span.set_attribute("error.type", type(exc).__name__)
                log.warning("%s: tick failed (%s)", self.name, describe(exc))
                return 0
            span.set_attribute("claimflow.task.items", done)
            return done
