"""The embedded mode: all four services in one process on a private PostgreSQL and an
in-process bus, each service on its own port."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy.engine import make_url

from claimflow.demo import seed_catalog, seed_prior_auth
from claimflow.provisioning import create_key, migrate
from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.bus import EventBus
from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.collector import freeze_startup_heap
from claimflow_shared.http.app import build_app
from claimflow_shared.http.probes import QuietServer
from claimflow_shared.runtime import Runtime, ServiceDefinition, build_runtime
from claimflow_shared.settings import ServiceSettings, database_url_for
from claimflow_shared.worker import Worker

log = logging.getLogger("claimflow")
DEMO_TENANT = "demo"


def start_private_postgres(data_dir: Path) -> str:
    """Start (or reuse) the pgserver PostgreSQL under ``data_dir``; return its server URL."""
    from pgserver.postgres_server import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode="stop")
    url = make_url(server.get_uri()).set(drivername="postgresql+asyncpg")
    return url.render_as_string(hide_password=False)


def service_settings(definition: ServiceDefinition, server_url: str) -> ServiceSettings:
    """The service's settings from its environment, on the embedded database and bus."""
    settings = definition.settings_type(bus="memory", simulator=definition.name == "prior-auth")
    if not settings.database_url:
        settings.database_url = database_url_for(server_url, settings.default_database)
    return settings


async def prepare(data_dir: Path, server_url: str) -> dict[str, ServiceSettings]:
    """Migrate every service database, seed the demo data, and make sure a demo key exists."""
    settings: dict[str, ServiceSettings] = {}
    for name, definition in definitions().items():
        settings[name] = service_settings(definition, server_url)
        await migrate(definition, settings[name].database_url)
    await _seed(settings)
    key_file = data_dir / "demo-api-key"
    if not key_file.exists():
        key = await create_key(
            [s.database_url for s in settings.values()],
            tenant_id=DEMO_TENANT,
            roles=(Role.SUBMITTER, Role.OPS, Role.PAYER, Role.ADMIN),
            name="demo",
        )
        key_file.write_text(key.secret + "\n")
        key_file.chmod(0o600)
    return settings


async def _seed(settings: dict[str, ServiceSettings]) -> None:
    from claimflow_shared.db import connect

    for name, seed in (("code-catalog", seed_catalog), ("prior-auth", seed_prior_auth)):
        database = connect(settings[name].database_url, pool_size=1)
        try:
            async with database.session() as session:
                await seed(session)
        finally:
            await database.dispose()


class EmbeddedSystem:
    """Every service's runtime, app and worker on one shared in-process bus."""

    def __init__(
        self,
        settings: dict[str, ServiceSettings],
        *,
        bus: EventBus | None = None,
        span_exporters: Sequence[SpanExporter] = (),
    ) -> None:
        self.bus = bus or MemoryBus()
        self.runtimes: dict[str, Runtime] = {}
        self.apps: dict[str, FastAPI] = {}
        self.workers: dict[str, Worker] = {}
        for name, definition in definitions().items():
            runtime = build_runtime(
                definition, settings[name], bus=self.bus, span_exporters=span_exporters
            )
            self.runtimes[name] = runtime
            self.apps[name] = build_app(definition, settings[name], runtime=runtime)
            self.workers[name] = Worker.for_service(definition, runtime)

    async def run_workers(self) -> None:
        """Run every worker until cancelled."""
        async with asyncio.TaskGroup() as tasks:
            for worker in self.workers.values():
                tasks.create_task(worker.run())

    async def close(self) -> None:
        """Release every runtime."""
        for runtime in self.runtimes.values():
            await runtime.close()


async def serve(settings: dict[str, ServiceSettings], *, stop: asyncio.Event) -> None:
    """Run every service's API and worker on one in-process bus until ``stop`` is set."""
    system = EmbeddedSystem(settings)
    servers = [
        QuietServer(
            uvicorn.Config(
                app,
                host=settings[name].host,
                port=settings[name].port,
                log_config=None,
                access_log=False,
            )
        )
        for name, app in system.apps.items()
    ]
    try:
        async with asyncio.TaskGroup() as tasks:
            workers = tasks.create_task(system.run_workers())
            for server in servers:
                tasks.create_task(server.serve())
            await stop.wait()
            for server in servers:
                server.should_exit = True
            workers.cancel()
    finally:
        await system.close()


async def run(data_dir: Path) -> None:
    """`make run`: start everything, print where it listens, stop cleanly on Ctrl-C."""
    started = time.monotonic()
    server_url = os.environ.get("DATABASE_URL") or start_private_postgres(data_dir / "pg")
    settings = await prepare(data_dir, server_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    key = (data_dir / "demo-api-key").read_text().strip()
    serving = asyncio.create_task(serve(settings, stop=stop))
    await _wait_until_listening(settings)
    freeze_startup_heap()
    print(
        f"claimflow is up in {time.monotonic() - started:.1f}s"
        " (embedded: pgserver + in-process bus)"
    )
    for name, s in settings.items():
        print(f"  {name:<14} http://{s.host}:{s.port}  (docs: http://{s.host}:{s.port}/docs)")
    print(f"  demo tenant '{DEMO_TENANT}' API key: {key}")
    print("Press Ctrl-C to stop.", flush=True)
    await serving
    print("claimflow stopped.")


async def _wait_until_listening(settings: dict[str, ServiceSettings]) -> None:
    for s in settings.values():
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection(s.host, s.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            break
