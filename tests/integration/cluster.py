"""Service workers in their own processes and APIs in the test's, on one Kafka namespace."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx

from claimflow.services import definitions
from claimflow_shared.bus.kafka import KafkaBus
from claimflow_shared.http.app import build_app
from claimflow_shared.telemetry import FileSpanExporter
from tests.integration.processes import WorkerProcess, env_prefix, worker_env


class Cluster:
    """Workers in their own processes and the APIs in this one, on one namespace."""

    def __init__(self, urls: dict[str, str], bootstrap: str, folder: Path) -> None:
        self.urls = urls
        self.bootstrap = bootstrap
        self.folder = folder
        self.namespace = f"t{uuid.uuid4().hex[:8]}."
        self.spans = folder / "spans.jsonl"
        self.workers: dict[str, WorkerProcess] = {}

    def start_worker(self, service: str, **extra: str) -> WorkerProcess:
        env = worker_env(
            service,
            url=self.urls[service],
            bootstrap=self.bootstrap,
            namespace=self.namespace,
            spans=self.spans,
            extra=extra,
        )
        self.workers[service] = WorkerProcess(service, env, self.folder / f"{service}.log").start()
        return self.workers[service]

    def start_all(self, **settings: str) -> None:
        """One worker per service; ``settings`` are given to each under its own prefix."""
        for service in definitions():
            prefix = env_prefix(service)
            self.start_worker(service, **{prefix + k.upper(): v for k, v in settings.items()})

    def bus(self) -> KafkaBus:
        return KafkaBus(
            bootstrap_servers=self.bootstrap, client_id="test", namespace=self.namespace
        )

    def claims_api(self) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return self.api("claims")

    @asynccontextmanager
    async def api(self, service: str) -> AsyncIterator[httpx.AsyncClient]:
        definition = definitions()[service]
        settings = definition.settings_type(
            database_url=self.urls[service],
            bus="kafka",
            kafka_bootstrap_servers=self.bootstrap,
            kafka_namespace=self.namespace,
        )
        app = build_app(definition, settings, span_exporters=[FileSpanExporter(self.spans)])
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            base = f"http://{service}"
            async with httpx.AsyncClient(transport=transport, base_url=base) as client:
                yield client

    def dead_workers(self) -> list[str]:
        """The services whose worker process has exited."""
        return [
            name
            for name, worker in self.workers.items()
            if worker.process is not None and worker.process.poll() is not None
        ]

    def stop(self) -> None:
        """Stop every worker, all at once (each takes a few seconds to wind down)."""
        for worker in self.workers.values():
            worker.terminate()
        for worker in self.workers.values():
            worker.stop()
