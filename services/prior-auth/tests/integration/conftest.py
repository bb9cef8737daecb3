"""A migrated prior-auth database, the API on it with a clock the test moves, and API keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from claimflow_shared.auth.keys import Role, new_key, store_key
from claimflow_shared.db import Database, connect
from claimflow_shared.http.app import build_app
from claimflow_shared.testing.plugin import DatabaseFactory
from prior_auth.definition import DEFINITION
from prior_auth.settings import PriorAuthSettings

from .helpers import PAYER, Clock, Keys


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 10, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
async def database_url(database_factory: DatabaseFactory) -> str:
    return await database_factory(DEFINITION)


@pytest.fixture
def settings(database_url: str, clock: Clock) -> PriorAuthSettings:
    return PriorAuthSettings(database_url=database_url, clock=clock, bus="memory")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = connect(database_url, pool_size=4)
    yield db
    await db.dispose()


@pytest.fixture
async def keys(database: Database) -> Keys:
    issued = {
        "submitter": new_key(tenant_id="tenant-a", roles=(Role.SUBMITTER,)),
        "other_submitter": new_key(tenant_id="tenant-b", roles=(Role.SUBMITTER,)),
        "payer": new_key(tenant_id=PAYER, roles=(Role.PAYER,)),
        "other_payer": new_key(tenant_id="OTHER-PAYER", roles=(Role.PAYER,)),
        "admin": new_key(tenant_id="platform", roles=(Role.ADMIN,)),
        "ops": new_key(tenant_id="platform", roles=(Role.OPS,)),
    }
    async with database.session() as session:
        for name, key in issued.items():
            await store_key(session, key, name=name)
    return Keys(**{name: key.secret for name, key in issued.items()})


@pytest.fixture
async def client(settings: PriorAuthSettings, keys: Keys) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(DEFINITION, settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://prior-auth") as http:
            yield http
