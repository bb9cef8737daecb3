"""A body over the limit is a 413 problem on every route that takes one, in every service,
whether its length is declared up front or it streams in without one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.http.app import build_app
from tests.security.conftest import issue
from tests.security.routes import routes_of

MEBIBYTE = 1024 * 1024


async def streamed(total: int) -> AsyncIterator[bytes]:
    """``total`` bytes in 1 MiB chunks, sent without a Content-Length."""
    chunk = b"x" * MEBIBYTE
    for _ in range(total // MEBIBYTE):
        yield chunk
    yield b"x" * (total % MEBIBYTE)


async def test_every_body_taking_route_refuses_an_oversized_body(
    clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str]
) -> None:
    key = await issue(service_urls, "tenant-big", *Role)
    refused = 0
    for name, definition in definitions().items():
        limit = definition.settings_type(database_url=service_urls[name]).max_body_bytes
        oversized = b"{" + b" " * limit + b"}"
        headers = {"X-API-Key": key, "content-type": "application/json"}
        routes = [
            r for r in routes_of(build_app(definition)) if r.method in ("POST", "PUT", "PATCH")
        ]
        assert routes, name
        for route in routes:
            response = await clients[name].request(
                route.method, route.url(payer_id="tenant-big"), content=oversized, headers=headers
            )
            assert response.status_code == 413, (name, route.method, route.path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            refused += 1
        route = routes[0]
        response = await clients[name].request(
            route.method, route.url(), content=streamed(limit + MEBIBYTE), headers=headers
        )
        assert "content-length" not in response.request.headers
        assert response.status_code == 413, (name, route.path, "streamed", response.text)
        refused += 1
        assert (await clients[name].get("/health")).status_code == 200
    print(f"\nbody limits: {refused} oversized requests, every one a 413")


async def test_claims_json_routes_hold_their_own_smaller_limit(
    clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str]
) -> None:
    key = await issue(service_urls, "tenant-big", Role.SUBMITTER)
    settings = definitions()["claims"].settings_type(database_url=service_urls["claims"])
    json_limit = settings.json_max_body_bytes  # type: ignore[attr-defined]
    assert json_limit < settings.max_body_bytes
    response = await clients["claims"].post(
        "/v1/claims",
        content=b"{" + b" " * json_limit + b"}",
        headers={"X-API-Key": key, "content-type": "application/json"},
    )
    assert response.status_code == 413, response.text
