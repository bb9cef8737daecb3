"""A submitter of tenant A gets 404 for every resource of tenant B, exactly as for an id that
does not exist, on every route that takes the resource's id; B's resources stay as they were."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.http.app import build_app
from notifications.delivery.testing import LoopbackReceiver, Reply
from tests.integration.flow import EmbeddedFactory, claim_body, final_claim, wait_for
from tests.security.conftest import issue
from tests.security.routes import routes_of
from tests.security.test_access_control import ROLE_RULES, SUBMITTER, authorization_body
from tests.security.x12_corpus import valid

RESOURCE_IDS = (
    "claim_id",
    "submission_id",
    "authorization_id",
    "application_id",
    "subscription_id",
    "delivery_id",
)
LINE = authorization_body()["lines"]
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/v1/applications/{application_id}"): {"title": "Changed by tenant A"},
    ("POST", "/v1/applications/{application_id}/transitions"): {
        "action": "withdraw",
        "reason": "tenant A",
    },
    ("POST", "/v1/authorizations/{authorization_id}/documents"): {
        "documents": [
            {
                "document_type": "clinical_notes",
                "title": "Notes",
                "reference": "https://docs.example.test/notes",
                "sha256": "0" * 64,
            }
        ]
    },
    ("PUT", "/v1/authorizations/{authorization_id}/lines"): {"lines": LINE},
    ("POST", "/v1/authorizations/{authorization_id}/cancel"): {"reason": "tenant A"},
    ("POST", "/v1/authorizations/{authorization_id}/appeal"): {"reason": "tenant A"},
    ("POST", "/v1/authorizations/{authorization_id}/decisions"): {
        "code": "A1",
        "authorization_number": "AUTH-A",
    },
    ("POST", "/v1/authorizations/{authorization_id}/extension"): {"days": 7, "reason": "A"},
    ("PATCH", "/v1/subscriptions/{subscription_id}"): {"enabled": False},
    ("POST", "/v1/subscriptions/{subscription_id}/rotate-secret"): {},
}


class Tenant:
    """One tenant's key and a client per service."""

    def __init__(self, key: str, clients: dict[str, httpx.AsyncClient]) -> None:
        self.headers = {"X-API-Key": key}
        self.clients = clients

    async def call(self, service: str, method: str, url: str, body: Any = None) -> httpx.Response:
        return await self.clients[service].request(method, url, headers=self.headers, json=body)

    async def created(self, service: str, url: str, body: Any, field: str = "id") -> str:
        response = await self.call(service, "POST", url, body)
        assert response.status_code in (201, 202), response.text
        return str(response.json()[field])


async def tenant_b_resources(b: Tenant, receiver: LoopbackReceiver) -> dict[str, str]:
    """Create one of each resource as tenant B through the APIs; their ids by parameter name."""
    ids = {
        "claim_id": await b.created("claims", "/v1/claims", claim_body(), "claim_id"),
        "authorization_id": await b.created(
            "prior-auth", "/v1/authorizations", authorization_body()
        ),
        "application_id": await b.created(
            "code-catalog",
            "/v1/applications",
            {"title": "A made-up procedure", "category": "I", "details": {}},
        ),
        "subscription_id": await b.created(
            "notifications",
            "/v1/subscriptions",
            {"url": receiver.url(), "event_types": ["claims.claim.*"]},
        ),
    }
    x12 = await b.clients["claims"].post(
        "/v1/x12/837", content=valid(), headers=b.headers | {"content-type": "application/edi-x12"}
    )
    assert x12.status_code == 200, x12.text
    ids["submission_id"] = x12.json()["submission_id"]
    await final_claim(b.clients["claims"], b.headers["X-API-Key"], ids["claim_id"])

    async def first_delivery() -> str | None:
        page = await b.call(
            "notifications", "GET", f"/v1/subscriptions/{ids['subscription_id']}/deliveries"
        )
        done = [d for d in page.json()["items"] if d["status"] == "succeeded"]
        return str(done[0]["id"]) if done else None

    ids["delivery_id"] = await wait_for(first_delivery, what="a delivery made to tenant B")
    return ids


async def test_another_tenants_resources_answer_as_if_they_did_not_exist(
    start_embedded: EmbeddedFactory, service_urls: dict[str, str]
) -> None:
    embedded = await start_embedded()
    clients = {
        name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")
        for name, app in embedded.apps.items()
    }
    receiver = LoopbackReceiver([Reply(204)] * 10)
    await receiver.start()
    a = Tenant(await issue(service_urls, "tenant-a", Role.SUBMITTER), clients)
    b = Tenant(await issue(service_urls, "tenant-b", Role.SUBMITTER), clients)
    try:
        ids = await tenant_b_resources(b, receiver)
        before = await snapshot(b, ids)
        checked = await probe_every_route(a, ids)
        assert await snapshot(b, ids) == before
        for service, path, field in (
            ("claims", "/v1/claims", "claim_id"),
            ("prior-auth", "/v1/authorizations", "authorization_id"),
            ("code-catalog", "/v1/applications", "application_id"),
            ("notifications", "/v1/subscriptions", "subscription_id"),
        ):
            listing = await a.call(service, "GET", path)
            assert listing.status_code == 200 and ids[field] not in listing.text, path
    finally:
        await receiver.close()
        for client in clients.values():
            await client.aclose()
    print(f"\ntenant isolation: {len(ids)} resources of tenant B, {checked} routes probed by A")
    assert checked >= 20


async def snapshot(b: Tenant, ids: dict[str, str]) -> dict[str, Any]:
    """What tenant B sees of its resources (each must be there: 200)."""
    reads = {
        "claim": ("claims", f"/v1/claims/{ids['claim_id']}"),
        "submission": ("claims", f"/v1/x12/submissions/{ids['submission_id']}"),
        "authorization": ("prior-auth", f"/v1/authorizations/{ids['authorization_id']}"),
        "application": ("code-catalog", f"/v1/applications/{ids['application_id']}"),
        "subscription": ("notifications", f"/v1/subscriptions/{ids['subscription_id']}"),
        "delivery": ("notifications", f"/v1/deliveries/{ids['delivery_id']}"),
    }
    seen = {}
    for name, (service, url) in reads.items():
        response = await b.call(service, "GET", url)
        assert response.status_code == 200, (name, response.text)
        body = response.json()
        seen[name] = {k: body.get(k) for k in ("status", "title", "enabled", "url", "lines")}
    return seen


async def probe_every_route(a: Tenant, ids: dict[str, str]) -> int:
    """Tenant A on every route taking one of B's ids: the answer a missing id gets."""
    checked = 0
    for name, definition in definitions().items():
        for route in routes_of(build_app(definition)):
            taken = [p for p in route.params if p in RESOURCE_IDS]
            if not taken:
                continue
            body = BODIES.get((route.method, route.path))
            theirs = await a.call(name, route.method, route.url(**ids), body)
            missing = await a.call(
                name, route.method, route.url(**{p: uuid.uuid4() for p in taken}), body
            )
            rule = ROLE_RULES.get((name, route.method, route.path))
            expected = 404 if rule is None or SUBMITTER in rule else 403
            assert (theirs.status_code, missing.status_code) == (expected, expected), (
                route.method,
                route.path,
                theirs.text,
                missing.text,
            )
            checked += 1
    return checked
