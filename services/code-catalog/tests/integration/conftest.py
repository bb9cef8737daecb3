"""A fresh migrated code-catalog database per test, and helpers to import into it and call it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import Database, connect
from claimflow_shared.http.app import build_app
from claimflow_shared.testing.databases import create_database, drop_database, migrate
from claimflow_shared.testing.plugin import DatabaseFactory
from code_catalog.definition import DEFINITION
from code_catalog.imports.kinds import ImportKind
from code_catalog.imports.runner import run_import
from code_catalog.imports.service import ImportOutcome, ImportRequest
from code_catalog.testing.harness import Importer, KeyMaker, derive_csv
from code_catalog.testing.layouts import write_cpt


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


CPT_TEST_ROWS = [
    (
        "29881",
        "Test knee arthroscopic row",
        "Made-up descriptor: arthroscopic procedure on the knee, for search tests",
        "I",
        "2020-01-01",
        "",
    ),
    (
        "99213",
        "Test office visit row",
        "Made-up descriptor: an office visit",
        "I",
        "2020-01-01",
        "",
    ),
    (
        "0100T",
        "Test emerging row",
        "Made-up descriptor: an emerging technology",
        "III",
        "2020-01-01",
        "2024-12-31",
    ),
    (
        "25",
        "Test modifier row",
        "Made-up descriptor: a significant separate service",
        "modifier",
        "2020-01-01",
        "",
    ),
]
HCPCS_FILE = Path("hcpcs") / "HCPC2025_OCT_ANWEB.csv"


async def _load_real_catalog(url: str, folder: Path, data: Path) -> None:
    """Real HCPCS (a July subset, then October in full), ICD-10-CM, POS, RVU; test CPT rows."""
    july = derive_csv(
        data / HCPCS_FILE,
        folder / "HCPC2025_JUL_ANWEB.csv",
        keep=lambda row: row["HCPC"] in ("G0008", "A9155", "J1100"),
        changes={"G0008": {"SHORT DESCRIPTION": "Flu shot admin (July text)"}},
    )
    cpt = write_cpt(folder / "cpt.csv", CPT_TEST_ROWS)
    requests = [
        ImportRequest(ImportKind.HCPCS, (july,)),
        ImportRequest(ImportKind.HCPCS, (data / HCPCS_FILE,)),
        ImportRequest(ImportKind.ICD10CM),
        ImportRequest(
            ImportKind.POS,
            (data / "pos" / "place_of_service.csv",),
            version="2023-09",
            effective=date(2003, 1, 1),
        ),
        ImportRequest(ImportKind.RVU, (data / "rvu" / "pprrvu_2024_jul.csv",)),
        ImportRequest(ImportKind.CPT, (cpt,), version="test", effective=date(2025, 1, 1)),
    ]
    for request in requests:
        await run_import(url, request)


@pytest.fixture(scope="module")
async def loaded_url(
    postgres_url: str, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """One database per module with the real code sets loaded (the tests only read it)."""
    url = await create_database(postgres_url, f"t_catalog_{uuid.uuid4().hex[:10]}")
    await migrate(DEFINITION, url)
    await _load_real_catalog(url, tmp_path_factory.mktemp("real"), shared_data)
    yield url
    await drop_database(postgres_url, url)


@pytest.fixture(scope="module")
async def loaded_key(loaded_url: str) -> str:
    """A submitter key on the loaded database."""
    key = await create_key([loaded_url], tenant_id="tenant-a", roles=(Role.SUBMITTER,), name="t")
    return key.secret


@pytest.fixture
async def loaded_api(loaded_url: str, loaded_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client on the app over the loaded database."""
    app = build_app(DEFINITION, DEFINITION.settings_type(database_url=loaded_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://catalog", headers={"X-API-Key": loaded_key}
        ) as client:
            yield client
