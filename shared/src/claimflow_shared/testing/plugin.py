"""Pytest fixtures on real infrastructure: PostgreSQL (pgserver or DATABASE_URL) and an Apache
Kafka broker (Maven Central jars or KAFKA_BOOTSTRAP_SERVERS).

There is no skip: when a server cannot be had, the test fails and says why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from claimflow_shared.runtime import ServiceDefinition
from claimflow_shared.settings import database_url_for
from claimflow_shared.testing.databases import create_database, drop_database, migrate

DatabaseFactory = Callable[[ServiceDefinition], Awaitable[str]]


def repository_root() -> Path:
    """The workspace root (the folder whose pyproject.toml declares the uv workspace)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "pyproject.toml"
        if candidate.exists() and "[tool.uv.workspace]" in candidate.read_text():
            return folder
    raise RuntimeError("not inside the claimflow workspace")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The code-set data beside the repository (`../shared/data`)."""
    path = repository_root().parent / "shared" / "data"
    if not path.is_dir():
        pytest.fail(f"test data not found at {path}: the shared/ folder must sit beside the repo")
    return path


@pytest.fixture(scope="session")
async def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A PostgreSQL server URL (its ``postgres`` database)."""
    given = os.environ.get("DATABASE_URL")
    if given:
        yield database_url_for(given, "postgres")
        return
    from claimflow_shared.testing.infra import start_postgres

    try:
        server = await start_postgres(tmp_path_factory.mktemp("pg"))
    except Exception as exc:
        pytest.fail(f"could not start PostgreSQL with pgserver: {exc}")
    yield server.url
    await server.stop()


@pytest.fixture(scope="session")
async def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """Bootstrap servers of a real Kafka broker."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    from claimflow_shared.testing.infra import start_kafka

    try:
        broker = await start_kafka(tmp_path_factory.mktemp("kafka"))
    except Exception as exc:
        pytest.fail(f"could not start the Kafka broker from Maven Central jars: {exc}")
    print(f"\nKafka broker: {broker.version_line}")
    yield broker.bootstrap_servers
    await broker.stop()


@pytest.fixture
async def database_factory(postgres_url: str) -> AsyncIterator[DatabaseFactory]:
    """Creates fresh, migrated databases for service definitions; drops them afterwards."""
    created: list[str] = []

    async def make(definition: ServiceDefinition) -> str:
        name = f"t_{definition.name.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
        url = await create_database(postgres_url, name)
        created.append(url)
        await migrate(definition, url)
        return url

    yield make
    for url in created:
        await drop_database(postgres_url, url)
