"""A fresh migrated code-catalog database per test, and helpers to import into it and call it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import Database, connect
from claimflow_shared.http.app import build_app
from claimflow_shared.testing.plugin import DatabaseFactory
from code_catalog.definition import DEFINITION
from code_catalog.imports.kinds import ImportKind
from code_catalog.imports.runner import run_import
from code_catalog.imports.service import ImportOutcome, ImportRequest
from code_catalog.testing.harness import Importer, KeyMaker


@pytest.fixture
async def catalog_url(database_factory: DatabaseFactory) -> str:
    """A migrated, empty code-catalog database."""
    return await database_factory(DEFINITION)


@pytest.fixture
async def catalog_db(catalog_url: str) -> AsyncIterator[Database]:
    """A connection pool on the test database."""
    database = connect(catalog_url, pool_size=2)
    yield database
    await database.dispose()


@pytest.fixture
def import_file(catalog_url: str) -> Importer:
    """Import files of one kind as one release, committed (as the CLI does)."""

    async def run(kind: str, *files: Path, **options: Any) -> ImportOutcome:
        request = ImportRequest(kind=ImportKind(kind), files=tuple(files), **options)
        return await run_import(catalog_url, request)

    return run


@pytest.fixture
async def api(catalog_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the code-catalog app over the test database."""
    app = build_app(DEFINITION, DEFINITION.settings_type(database_url=catalog_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://catalog") as client:
            yield client


@pytest.fixture
def make_key(catalog_url: str) -> KeyMaker:
    """Issue an API key on the test database; returns headers' secret."""

    async def issue(tenant: str = "tenant-a", *roles: Role) -> str:
        key = await create_key(
            [catalog_url], tenant_id=tenant, roles=roles or (Role.SUBMITTER,), name=tenant
        )
        return key.secret

    return issue


@pytest.fixture
async def headers(make_key: KeyMaker) -> dict[str, str]:
    """Headers of a submitter of tenant-a."""
    return {"X-API-Key": await make_key("tenant-a", Role.SUBMITTER)}
