"""Four migrated service databases, demo codes, and a submitter key across them."""

import asyncio
from collections.abc import AsyncIterator, Sequence
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
from claimflow_shared.testing.plugin import DatabaseFactory
from tests.integration.flow import EmbeddedFactory


@pytest.fixture
async def service_urls(database_factory: DatabaseFactory) -> AsyncIterator[dict[str, str]]:
    urls = {name: await database_factory(d) for name, d in definitions().items()}
    for name, seed in (("code-catalog", seed_catalog), ("prior-auth", seed_prior_auth)):
        database = connect(urls[name], pool_size=1)
        async with database.session() as session:
            await seed(session)
        await database.dispose()
    yield urls


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
        embedded = EmbeddedSystem(
            settings, bus=bus or MemoryBus(), span_exporters=span_exporters
        )
        running.append((embedded, asyncio.create_task(embedded.run_workers())))
        return embedded

    yield start
    for embedded, workers in running:
        workers.cancel()
        await asyncio.gather(workers, return_exceptions=True)
        await embedded.close()
