"""Start the distributed system for a benchmark: databases, API and worker processes.

Uses the servers named by DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS (`make bench` starts them);
otherwise starts its own with the test infrastructure launcher.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from scratch import postgres_server, private_kafka, scratch_folder
from servers import listener_of, postmaster_of, server_processes

from claimflow.demo import seed_catalog, seed_prior_auth
from claimflow.provisioning import create_key, migrate
from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import connect
from claimflow_shared.settings import database_url_for
from claimflow_shared.testing.databases import drop_database


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """One service process of the benchmark."""

    name: str
    popen: subprocess.Popen[bytes]
    probe: str

    def rss_mb(self) -> float:
        """Resident memory in MiB."""
        return psutil.Process(self.popen.pid).memory_info().rss / 2**20


@dataclass
class System:
    """The distributed system under test."""

    server_url: str
    bootstrap: str
    folder: Path
    namespace: str = field(default_factory=lambda: f"b{uuid.uuid4().hex[:8]}.")
    urls: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)
    api: str = ""
    key: str = ""
    postmaster: int | None = None
    broker: int | None = None

    def env(self, service: str, **extra: str) -> dict[str, str]:
        """A service process's environment."""
        prefix = str(definitions()[service].settings_type.model_config.get("env_prefix", ""))
        env = dict(os.environ)
        env.update(
            {
                f"{prefix}DATABASE_URL": self.urls[service],
                f"{prefix}BUS": "kafka",
                f"{prefix}KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                f"{prefix}KAFKA_NAMESPACE": self.namespace,
                f"{prefix}LOG_LEVEL": "WARNING",
                **{f"{prefix}{k}": v for k, v in extra.items()},
            }
        )
        return env

    def _spawn(self, name: str, argv: list[str], env: dict[str, str], probe: str) -> None:
        log = (self.folder / f"{name}.log").open("ab")
        popen = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(Process(name, popen, probe))

    def start_worker(self, service: str, index: int = 0) -> None:
        """Start one worker process of ``service``, as deployments do (``claimflow worker``,
        on uvloop)."""
        port = free_port()
        self._spawn(
            f"{service}-worker-{index}",
            [sys.executable, "-m", "claimflow.cli", "worker", service],
            self.env(service, METRICS_PORT=str(port)),
            f"http://127.0.0.1:{port}",
        )

    def start_api(self, service: str = "claims") -> None:
        """Start the service's API with uvicorn."""
        port = free_port()
        argv = [sys.executable, "-m", "claimflow.cli", "api", service, "--port", str(port)]
        self._spawn(f"{service}-api", argv, self.env(service), f"http://127.0.0.1:{port}")
        self.api = f"http://127.0.0.1:{port}"

    async def wait_ready(self, timeout: float = 120) -> None:
        """Wait until every process answers /ready."""
        async with httpx.AsyncClient(timeout=2) as client, asyncio.timeout(timeout):
            for process in self.processes:
                while True:
                    if process.popen.poll() is not None:
                        raise RuntimeError(f"{process.name} exited; see {self.folder}")
                    try:
                        if (await client.get(process.probe + "/ready")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await asyncio.sleep(0.2)

    def pids(self) -> dict[str, list[int]]:
        """The processes of the run by name: each service process, PostgreSQL's and the broker's
        (those of the servers this run uses, when they are on this machine: ``servers``)."""
        running = {p.name: [p.popen.pid] for p in self.processes if p.popen.poll() is None}
        if self.postmaster is not None:
            running["postgresql"] = server_processes(self.postmaster)
        if self.broker is not None:
            running["kafka"] = [self.broker]
        return running

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each service process, PostgreSQL and the Kafka broker."""
        return {name: sum(_cpu(pid) for pid in pids) for name, pids in self.pids().items()}

    def rss(self) -> dict[str, float]:
        """Resident memory of every process, MiB."""
        return {p.name: round(p.rss_mb(), 1) for p in self.processes if p.popen.poll() is None}

    def stop(self) -> None:
        """Stop every process."""
        for process in self.processes:
            process.popen.terminate()
        for process in self.processes:
            try:
                process.popen.wait(15)
            except subprocess.TimeoutExpired:
                process.popen.kill()


def _cpu(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


async def _prepare(system: System) -> None:
    for name, definition in definitions().items():
        url = database_url_for(
            system.server_url, f"bench_{name.replace('-', '_')}_{uuid.uuid4().hex[:6]}"
        )
        system.urls[name] = url
        await migrate(definition, url)
    for name, seed in (("code-catalog", seed_catalog), ("prior-auth", seed_prior_auth)):
        database = connect(system.urls[name], pool_size=1)
        async with database.session() as session:
            await seed(session)
        await database.dispose()
    key = await create_key(
        system.urls.values(), tenant_id="bench", roles=(Role.SUBMITTER,), name="bench"
    )
    system.key = key.secret


@asynccontextmanager
async def infrastructure() -> AsyncIterator[tuple[str, str]]:
    """PostgreSQL and Kafka: from the environment, or started here."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    async with AsyncExitStack() as servers:
        server_url = await servers.enter_async_context(postgres_server("bench-pg-"))
        if not bootstrap:
            bootstrap = await servers.enter_async_context(private_kafka("bench-kafka-"))
        yield server_url, bootstrap


@asynccontextmanager
async def running_system(*, workers_per_service: int = 1) -> AsyncIterator[System]:
    """The four services, each with an API (claims only) and its workers, ready to load."""
    async with infrastructure() as (server_url, bootstrap):
        with scratch_folder("bench-run-") as logs:
            system = System(server_url, bootstrap, logs)
            await _prepare(system)
            system.postmaster = await postmaster_of(database_url_for(server_url, "postgres"))
            system.broker = listener_of(bootstrap)
            try:
                for service in definitions():
                    for index in range(workers_per_service):
                        system.start_worker(service, index)
                system.start_api("claims")
                await system.wait_ready()
                yield system
            finally:
                system.stop()
                for url in system.urls.values():
                    await drop_database(server_url, url)
