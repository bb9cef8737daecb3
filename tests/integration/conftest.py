"""Four migrated service databases, demo codes, and a submitter key across them; a private
Kafka broker and PostgreSQL server for the tests that stop them."""

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export import SpanExporter

from claimflow.demo import seed_catalog, seed_prior_auth
from claimflow.embedded import EmbeddedSystem
from claimflow.provisioning import create_key
from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.db import connect
from claimflow_shared.testing.databases import create_database, migrate
from claimflow_shared.testing.infra import KafkaBroker, PostgresServer, start_postgres
from claimflow_shared.testing.infra.processes import free_port
from claimflow_shared.testing.plugin import DatabaseFactory
from tests.integration.cluster import Cluster
from tests.integration.flow import EmbeddedFactory


async def seeded_databases(make: Callable[[str], Awaitable[str]]) -> dict[str, str]:
    """A database per service made by ``make(service)``, with the demo codes and payers."""
    urls = {name: await make(name) for name in definitions()}
    for name, seed in (("code-catalog", seed_catalog), ("prior-auth", seed_prior_auth)):
        database = connect(urls[name], pool_size=1)
        async with database.session() as session:
            await seed(session)
        await database.dispose()
    return urls


@pytest.fixture
async def service_urls(database_factory: DatabaseFactory) -> AsyncIterator[dict[str, str]]:
    yield await seeded_databases(lambda name: database_factory(definitions()[name]))


@pytest.fixture
async def private_broker(tmp_path: Path) -> AsyncIterator[KafkaBroker]:
    """A Kafka broker of this test alone, on a fixed port and data folder, so the test can
    stop it and start it again where clients expect it."""
    broker = KafkaBroker(tmp_path / "kafka", port=free_port())
    await broker.start()
    yield broker
    await broker.kill()  # its data goes with the test; no need for a clean shutdown


@pytest.fixture
async def private_postgres() -> AsyncIterator[PostgresServer]:
    """A PostgreSQL server of this test alone, which it may stop and start again."""
    # Outside pytest's temp tree for the reason the session server is (see the plugin).
    folder = Path(tempfile.mkdtemp(prefix="claimflow-outage-pg-"))
    server = await start_postgres(folder / "data")
    yield server
    await server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def private_service_urls(private_postgres: PostgresServer) -> dict[str, str]:
    """The four service databases, migrated and seeded, on the private server."""

    async def make(name: str) -> str:
        url = await create_database(private_postgres.url, name.replace("-", "_"))
        await migrate(definitions()[name], url)
        return url

    return await seeded_databases(make)


@pytest.fixture
async def submitter_key(service_urls: dict[str, str]) -> str:
    key = await create_key(
        service_urls.values(), tenant_id="tenant-a", roles=(Role.SUBMITTER,), name="test"
    )
    return key.secret


@pytest.fixture
async def start_embedded(service_urls: dict[str, str]) -> AsyncIterator[EmbeddedFactory]:
    """Starts all four services with their workers on one in-process bus.

    Keyword arguments are settings fields given to every service (each ignores the ones it
    does not have), e.g. ``simulator=True`` for prior-auth; ``bus`` replaces the MemoryBus.
    """
    running: list[tuple[EmbeddedSystem, asyncio.Task[None]]] = []

    async def start(
        *,
        span_exporters: Sequence[SpanExporter] = (),
        bus: MemoryBus | None = None,
        **fields: Any,
    ) -> EmbeddedSystem:
        settings = {
            name: d.settings_type(database_url=service_urls[name], bus="memory", **fields)
            for name, d in definitions().items()
        }
        embedded = EmbeddedSystem(settings, bus=bus or MemoryBus(), span_exporters=span_exporters)
        running.append((embedded, asyncio.create_task(embedded.run_workers())))
        return embedded

    yield start
    for embedded, workers in running:
        workers.cancel()
        await asyncio.gather(workers, return_exceptions=True)
        await embedded.close()


@pytest.fixture
async def cluster(
    service_urls: dict[str, str], kafka_bootstrap: str, tmp_path: Path
) -> AsyncIterator[Cluster]:
    """Workers as separate processes on the real broker; every one is stopped at the end."""
    running = Cluster(service_urls, kafka_bootstrap, tmp_path)
    yield running
    running.stop()
