"""Values a schema lets through but PostgreSQL cannot hold are a 422, never a 500."""

from __future__ import annotations

import json

import httpx
import pytest

from claimflow_shared.auth.keys import Role
from tests.security.conftest import issue


@pytest.mark.parametrize(
    ("service", "method", "path", "parameter"),
    [
        ("code-catalog", "GET", "/v1/releases/4349798090322930176", "release_id"),
        ("code-catalog", "GET", "/v1/releases/2147483648/diff", "release_id"),
        ("prior-auth", "DELETE", "/v1/requirements/2147483648", "rule_id"),
    ],
)
async def test_a_serial_id_past_int4_is_a_422_naming_it(
    clients: dict[str, httpx.AsyncClient],
    service_urls: dict[str, str],
    service: str,
    method: str,
    path: str,
    parameter: str,
) -> None:
    key = await issue(service_urls, "tenant-values", *Role)
    response = await clients[service].request(method, path, headers={"X-API-Key": key})
    assert response.status_code == 422, response.text
    assert parameter in response.json()["detail"]


@pytest.mark.parametrize("text", ["NUL\u0000inside", "lone \ud800 surrogate"])
async def test_text_the_database_cannot_hold_is_a_422(
    clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str], text: str
) -> None:
    key = await issue(service_urls, "tenant-values", Role.SUBMITTER)
    body = {"title": "A procedure", "category": "I", "details": {"procedure": {"purpose": text}}}
    response = await clients["code-catalog"].post(
        "/v1/applications",
        content=json.dumps(body).encode(),  # ASCII, with the character as a \u escape
        headers={"X-API-Key": key, "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    listed = await clients["code-catalog"].get("/v1/applications", headers={"X-API-Key": key})
    assert listed.json()["items"] == []
