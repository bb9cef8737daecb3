"""API keys: hashed at rest, required on every route but health, roles and tenants enforced."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi.routing import APIRoute

from claimflow.provisioning import create_key, revoke
from claimflow.services import definitions
from claimflow_shared.auth.keys import Role, hash_secret
from claimflow_shared.http.app import build_app
from tests.integration.flow import claim_body, scalar


@pytest.fixture
async def clients(service_urls: dict[str, str]) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    opened: dict[str, httpx.AsyncClient] = {}
    contexts = []
    for name, definition in definitions().items():
        app = build_app(definition, definition.settings_type(database_url=service_urls[name]))
        context = app.router.lifespan_context(app)
        await context.__aenter__()
        contexts.append(context)
        opened[name] = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{name}"
        )
    yield opened
    for client in opened.values():
        await client.aclose()
    for context in contexts:
        await context.__aexit__(None, None, None)


def protected_routes() -> list[tuple[str, str, str]]:
    routes = []
    for name, definition in definitions().items():
        for router in definition.routers:
            for route in router.routes:
                assert isinstance(route, APIRoute)
                path = route.path.replace("{claim_id}", str(uuid.uuid4()))
                routes.extend((name, method, path) for method in route.methods)
    return routes


class TestKeys:
    async def test_only_the_hash_is_stored(self, service_urls: dict[str, str]) -> None:
        key = await create_key(service_urls.values(), tenant_id="t", roles=(Role.OPS,), name="k")
        for url in service_urls.values():
            stored = await scalar(url, "SELECT secret_sha256 FROM api_keys WHERE id = :i", i=key.id)
            assert stored == hash_secret(key.secret) and key.secret not in stored
            assert (
                await scalar(
                    url, "SELECT count(*) FROM api_keys WHERE secret_sha256 = :s", s=key.secret
                )
                == 0
            )

    async def test_every_route_but_health_needs_a_valid_key(
        self, clients: dict[str, httpx.AsyncClient]
    ) -> None:
        routes = protected_routes()
        assert routes, "no protected routes found"
        for service, method, path in routes:
            missing = await clients[service].request(method, path)
            wrong = await clients[service].request(method, path, headers={"X-API-Key": "cf_nope"})
            assert (missing.status_code, wrong.status_code) == (401, 401), (service, method, path)
        for service in definitions():
            assert (await clients[service].get("/health")).status_code == 200

    async def test_roles_are_enforced(
        self, clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str]
    ) -> None:
        payer = await create_key(
            service_urls.values(), tenant_id="t", roles=(Role.PAYER,), name="p"
        )
        response = await clients["claims"].post(
            "/v1/claims", json=claim_body(), headers={"X-API-Key": payer.secret}
        )
        assert response.status_code == 403
        assert "submitter" in response.json()["detail"]

    async def test_another_tenants_claim_is_not_found(
        self,
        clients: dict[str, httpx.AsyncClient],
        service_urls: dict[str, str],
        submitter_key: str,
    ) -> None:
        other = await create_key(
            service_urls.values(), tenant_id="tenant-b", roles=(Role.SUBMITTER,), name="b"
        )
        created = await clients["claims"].post(
            "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
        )
        path = f"/v1/claims/{created.json()['claim_id']}"
        assert (
            await clients["claims"].get(path, headers={"X-API-Key": submitter_key})
        ).status_code == 200
        assert (
            await clients["claims"].get(path, headers={"X-API-Key": other.secret})
        ).status_code == 404

    async def test_a_revoked_key_is_refused(self, service_urls: dict[str, str]) -> None:
        key = await create_key(
            service_urls.values(), tenant_id="t", roles=(Role.SUBMITTER,), name="r"
        )
        assert await revoke(service_urls.values(), key.id) == 4
        definition = definitions()["claims"]
        app = build_app(definition, definition.settings_type(database_url=service_urls["claims"]))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://claims"
            ) as client,
        ):
            response = await client.post(
                "/v1/claims",
                json=claim_body(),
                headers={"Authorization": f"Bearer {key.secret}"},
            )
        assert response.status_code == 401
        assert await scalar(service_urls["claims"], "SELECT count(*) FROM claims") == 0
        assert await revoke(service_urls.values(), key.id) == 0


class TestIntake:
    async def test_an_accepted_claim_is_durable_with_its_event(
        self,
        clients: dict[str, httpx.AsyncClient],
        service_urls: dict[str, str],
        submitter_key: str,
    ) -> None:
        response = await clients["claims"].post(
            "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
        )
        assert response.status_code == 202
        claim_id = uuid.UUID(response.json()["claim_id"])
        assert (
            await scalar(
                service_urls["claims"], "SELECT status FROM claims WHERE id = :i", i=claim_id
            )
            == "received"
        )
        assert (
            await scalar(
                service_urls["claims"],
                "SELECT count(*) FROM outbox WHERE key = :k AND event_type = :t",
                k=str(claim_id),
                t="claims.claim.submitted.v1",
            )
            == 1
        )

    async def test_a_total_that_is_not_the_sum_is_a_422_naming_it(
        self,
        clients: dict[str, httpx.AsyncClient],
        submitter_key: str,
        service_urls: dict[str, str],
    ) -> None:
        body = claim_body() | {"total_charge": "99.00"}
        response = await clients["claims"].post(
            "/v1/claims", json=body, headers={"X-API-Key": submitter_key}
        )
        assert response.status_code == 422
        assert "total_charge" in response.text
        assert await scalar(service_urls["claims"], "SELECT count(*) FROM claims") == 0
