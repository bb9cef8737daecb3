"""Four migrated service databases, demo codes, and a submitter key across them."""

from collections.abc import AsyncIterator

import pytest

from claimflow.demo import seed_catalog, seed_prior_auth
from claimflow.provisioning import create_key
from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import connect
from claimflow_shared.testing.plugin import DatabaseFactory


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
