"""Service workers in their own processes, APIs in this one, all on one Kafka namespace."""

from __future__ import annotations

import signal
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx

from claimflow.services import definitions
from claimflow_shared.bus.kafka import KafkaBus
from claimflow_shared.events import Envelope
from claimflow_shared.http.app import build_app
from claimflow_shared.telemetry import FileSpanExporter
from tests.integration.processes import WorkerProcess, worker_env


class Cluster:
    """Workers in their own processes and the APIs in this one, on one namespace.

    ``workers`` holds the latest process started under each name (the service's name unless
    ``instance`` is given); ``started`` every process ever started, so ``stop`` ends them all.
    """

    def __init__(self, urls: dict[str, str], bootstrap: str, folder: Path) -> None:
        self.urls = urls
        self.bootstrap = bootstrap
        self.folder = folder
        self.namespace = f"t{uuid.uuid4().hex[:8]}."
        self.spans = folder / "spans.jsonl"
        self.workers: dict[str, WorkerProcess] = {}
        self.started: list[WorkerProcess] = []

    def start_worker(
        self,
        service: str,
        *,
        instance: str | None = None,
        spans: bool = True,
        settings: dict[str, str] | None = None,
        **extra: str,
    ) -> WorkerProcess:
        """Start a worker of ``service``; ``settings`` go under its prefix, ``extra`` are
        environment variables as they are."""
        name = instance or service
        env = worker_env(
            service,
            url=self.urls[service],
            bootstrap=self.bootstrap,
            namespace=self.namespace,
            spans=self.spans if spans else None,
            extra=extra,
            settings=settings,
        )
        worker = WorkerProcess(service, env, self.folder / f"{name}.log").start()
        self.workers[name] = worker
        self.started.append(worker)
        return worker

    def start_all(self, **settings: str) -> None:
        """One worker per service; ``settings`` are given to each under its own prefix."""
        for service in definitions():
            self.start_worker(service, settings={k.upper(): v for k, v in settings.items()})

    def dead_workers(self) -> list[str]:
        """The names of the workers whose process has exited."""
        return [
            name
            for name, worker in self.workers.items()
            if worker.process is not None and worker.process.poll() is not None
        ]

    def restart(self, name: str) -> WorkerProcess:
        """Start the named worker again with the environment it had, fault hooks removed."""
        old = self.workers[name]
        env = {k: v for k, v in old.env.items() if not k.startswith("CLAIMFLOW_PAUSE")}
        worker = WorkerProcess(old.service, env, old.log).start()
        self.workers[name] = worker
        self.started.append(worker)
        return worker

    def bus(self) -> KafkaBus:
        return KafkaBus(
            bootstrap_servers=self.bootstrap, client_id="test", namespace=self.namespace
        )

    def claims_api(self) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return self.api("claims")

    @asynccontextmanager
    async def api(self, service: str, *, spans: bool = True) -> AsyncIterator[httpx.AsyncClient]:
        definition = definitions()[service]
        settings = definition.settings_type(
            database_url=self.urls[service],
            bus="kafka",
            kafka_bootstrap_servers=self.bootstrap,
            kafka_namespace=self.namespace,
        )
        exporters = [FileSpanExporter(self.spans)] if spans else []
        app = build_app(definition, settings, span_exporters=exporters)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            base = f"http://{service}"
            async with httpx.AsyncClient(transport=transport, base_url=base) as client:
                yield client

    async def envelopes(self, topic: str) -> list[Envelope]:
        """Every event on ``topic``, repeats included."""
        return [
            Envelope.from_message(key=m.key, value=m.value, headers=m.headers)
            for m in await self.bus().read_all(topic)
        ]

    def stop(self) -> None:
        """SIGTERM every worker at once, then wait for each (SIGKILL after 15 s)."""
        running = [w for w in self.started if w.process and w.process.poll() is None]
        processes = [w.process for w in running if w.process is not None]
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
