"""Pytest fixtures on real infrastructure: PostgreSQL (pgserver or DATABASE_URL) and an Apache
Kafka broker (Maven Central jars or KAFKA_BOOTSTRAP_SERVERS).

There is no skip: when a server cannot be had, the test fails and says why.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

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

    # Not under pytest's temp tree: pytest tightens its permissions while the session runs,
    # and the server runs as the unprivileged `pgserver` user when tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="claimflow-pg-"))
    try:
        server = await start_postgres(folder / "data")
    except Exception as exc:
        pytest.fail(f"could not start PostgreSQL with pgserver: {exc}")
    yield server.url
    await server.stop()
    shutil.rmtree(folder, ignore_errors=True)


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


@pytest.fixture(scope="session")
async def migrated_templates(postgres_url: str) -> AsyncIterator[dict[str, str]]:
    """One migrated template database per service, cloned for each test (much faster than
    migrating every test's database; the migrations still run once per session)."""
    templates: dict[str, str] = {}
    yield templates
    for url in templates.values():
        await drop_database(postgres_url, url)


@pytest.fixture
async def database_factory(
    postgres_url: str, migrated_templates: dict[str, str]
) -> AsyncIterator[DatabaseFactory]:
    """Creates fresh, migrated databases for service definitions; drops them afterwards."""
    created: list[str] = []

    async def make(definition: ServiceDefinition) -> str:
        slug = definition.name.replace("-", "_")
        if definition.name not in migrated_templates:
            template = await create_database(postgres_url, f"tpl_{slug}_{uuid.uuid4().hex[:8]}")
            await migrate(definition, template)
            migrated_templates[definition.name] = template
        name = f"t_{slug}_{uuid.uuid4().hex[:10]}"
        url = await create_database(
            postgres_url, name, template=make_url(migrated_templates[definition.name]).database
        )
        created.append(url)
        return url

    yield make
    for url in created:
        await drop_database(postgres_url, url)


def _integration_required() -> bool:
    return os.environ.get("CLAIMFLOW_REQUIRE_INTEGRATION") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Where integration tests are required (CI), a skipped test is a failed test."""
    outcome = yield
    report = outcome.get_result()
    if _integration_required() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped where integration tests are required: {reason}"
