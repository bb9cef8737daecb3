"""A service's worker process: its event consumers and its outbox relay."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

from claimflow_shared.bus import dlq_topic
from claimflow_shared.collector import freeze_startup_heap
from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import TOPICS
from claimflow_shared.messaging.consumer import EventConsumer
from claimflow_shared.messaging.housekeeping import housekeeping_task
from claimflow_shared.messaging.outbox import OutboxRelay
from claimflow_shared.runtime import Runtime, ServiceDefinition, build_runtime
from claimflow_shared.settings import ServiceSettings
from claimflow_shared.tasks import BackgroundTask

log = logging.getLogger(__name__)


class Worker:
    """Runs a service's consumers, background tasks and outbox relay until cancelled."""

    def __init__(
        self,
        runtime: Runtime,
        consumers: Sequence[EventConsumer],
        relay: OutboxRelay,
        tasks: Sequence[BackgroundTask] = (),
    ) -> None:
        self.runtime = runtime
        self.consumers = list(consumers)
        self.relay = relay
        self.tasks = list(tasks)

    @classmethod
    def for_service(cls, definition: ServiceDefinition, runtime: Runtime) -> Worker:
        """The worker of ``definition`` on ``runtime``."""
        settings = runtime.settings
        relay = OutboxRelay(
            database=runtime.database,
            bus=runtime.bus,
            tracer=runtime.telemetry.tracer,
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_seconds,
            keep_published=_kept_for_replay(settings),
            metrics=runtime.telemetry.metrics,
        )
        tasks = [*definition.tasks(runtime), housekeeping_task(runtime)]
        return cls(runtime, definition.consumers(runtime), relay, tasks)

    async def run(self) -> None:
        """Create the topics, replay kept events if the bus is in-process, then work."""
        await _ensure_topics(self.runtime)
        replayed = await self.relay.replay_kept()
        if replayed:
            log.info("replayed %d kept outbox events onto the in-process bus", replayed)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self.relay.run(), name="outbox-relay")
            tasks.create_task(self._observe(), name="observe")
            for consumer in self.consumers:
                tasks.create_task(consumer.run(), name=f"consumer-{consumer.name}")
            for task in self.tasks:
                tasks.create_task(task.run(), name=f"task-{task.name}")

    async def _observe(self, every: float = 5.0) -> None:
        """Refresh the gauges that need a query or the bus: outbox backlog, consumer lag."""
        metrics = self.runtime.telemetry.metrics
        while True:
            try:
                await self.relay.observe_backlog()
            except Exception as exc:
                log.debug("backlog not observed: %s", exc)
            metrics.consumer_lag.replace(
                ({"consumer_group": g, "topic": t, "partition": str(p)}, lag)
                for (g, t, p), lag in self.runtime.bus.lag().items()
            )
            await asyncio.sleep(every)


def _kept_for_replay(settings: ServiceSettings) -> timedelta | None:
    return timedelta(hours=settings.outbox_keep_hours) if settings.bus == "memory" else None


async def _ensure_topics(runtime: Runtime) -> None:
    """Create every topic and its dead-letter topic, retrying while the broker is away."""
    topics = [t for topic in TOPICS for t in (topic, dlq_topic(topic))]
    delay = 0.5
    while True:
        try:
            await runtime.bus.ensure_topics(topics)
            return
        except Exception as exc:
            log.warning("cannot create topics yet (%s); retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)


PAUSE_ENV = "CLAIMFLOW_PAUSE_BEFORE_COMMIT"
PAUSE_TYPE_ENV = "CLAIMFLOW_PAUSE_EVENT_TYPE"
RELAY_PAUSE_ENV = "CLAIMFLOW_PAUSE_RELAY_BEFORE_COMMIT"


def _pause_before_commit(
    path: str, event_type: str | None = None
) -> Callable[[Envelope], Awaitable[None]]:
    """Fault injection for crash tests: announce the event in ``path``, then hold the
    transaction open so a test can kill the process between the effect and the commit.
    With ``event_type``, only an event of that type pauses."""

    async def pause(envelope: Envelope) -> None:
        if event_type is None or envelope.type == event_type:
            await _hold(Path(path), f"{envelope.type} {envelope.id}\n")

    return pause


def _pause_relay_before_commit(path: str) -> Callable[[int], Awaitable[None]]:
    """Fault injection for crash tests: once a batch of several rows is on the bus, announce
    its size in ``path`` and hold the relay's transaction open, the rows not yet marked sent."""

    async def pause(rows: int) -> None:
        if rows > 1:
            await _hold(Path(path), f"relayed {rows}\n")

    return pause


async def _hold(marker: Path, note: str) -> None:
    """The first time only: write ``note`` to ``marker`` and wait to be killed."""
    if await asyncio.to_thread(marker.exists):
        return
    await asyncio.to_thread(marker.write_text, note)
    await asyncio.sleep(3600)


async def serve_worker(
    definition: ServiceDefinition, settings: ServiceSettings | None = None
) -> None:
    """Run the worker of ``definition`` until SIGTERM or SIGINT."""
    runtime = build_runtime(definition, settings or definition.settings_type())
    worker = Worker.for_service(definition, runtime)
    if pause_file := os.environ.get(PAUSE_ENV):
        for consumer in worker.consumers:
            consumer.before_commit = _pause_before_commit(
                pause_file, os.environ.get(PAUSE_TYPE_ENV)
            )
    if relay_pause_file := os.environ.get(RELAY_PAUSE_ENV):
        worker.relay.before_commit = _pause_relay_before_commit(relay_pause_file)
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: task.cancel() if task else None)
    await runtime.bus.start()
    frozen = freeze_startup_heap()
    log.info(
        "%s worker started (bus=%s; %d objects frozen)",
        definition.name,
        runtime.settings.bus,
        frozen,
    )
    probes = None
    if runtime.settings.metrics_port:
        from claimflow_shared.http.probes import probe_server

        probes = probe_server(
            runtime, host=runtime.settings.host, port=runtime.settings.metrics_port
        )
        probing = asyncio.create_task(probes.serve(), name="probes")
    try:
        await worker.run()
    except asyncio.CancelledError:
        log.info("%s worker stopping", definition.name)
    finally:
        if probes is not None:
            probes.should_exit = True
            await probing
        await runtime.bus.stop()
        await runtime.close()
