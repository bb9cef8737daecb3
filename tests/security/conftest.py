"""The cross-service fixtures of tests/integration, for the security tests."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from claimflow.provisioning import create_key
from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.http.app import build_app
from tests.integration.conftest import service_urls, start_embedded, submitter_key

__all__ = ["service_urls", "start_embedded", "submitter_key"]


@pytest.fixture
async def clients(service_urls: dict[str, str]) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """An in-process HTTP client per service app, its lifespan running."""
    async with AsyncExitStack() as stack:
        opened: dict[str, httpx.AsyncClient] = {}
        for name, definition in definitions().items():
            settings = definition.settings_type(database_url=service_urls[name], bus="memory")
            app = build_app(definition, settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            opened[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")
            )
        yield opened


async def issue(service_urls: dict[str, str], tenant: str, *roles: Role) -> str:
    """A key of ``tenant`` with ``roles``, stored in every service database; its secret."""
    key = await create_key(service_urls.values(), tenant_id=tenant, roles=roles, name=tenant)
    return key.secret
