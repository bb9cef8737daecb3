"""Every route needs a valid key, roles hold, and keys are kept only as hashes."""

from __future__ import annotations

import inspect

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import text

from claimflow.services import definitions
from claimflow_shared.auth.dependencies import is_role_check
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import connect
from claimflow_shared.http.app import build_app
from tests.security.conftest import issue
from tests.security.routes import PUBLIC_PATHS, routes_of

SUBMITTER, PAYER, OPS, ADMIN = "submitter", "payer", "ops", "admin"

# Which roles each role-guarded route admits (admin is admitted everywhere). Routes not listed
# take any valid key of the tenant; test_the_rules_are_the_ones_the_code_enforces keeps this
# table equal to the code.
ROLE_RULES: dict[tuple[str, str, str], frozenset[str]] = {
    ("claims", "POST", "/v1/claims/inquiry"): frozenset({SUBMITTER, OPS}),
    ("claims", "POST", "/v1/claims/batch"): frozenset({SUBMITTER}),
    ("claims", "POST", "/v1/claims"): frozenset({SUBMITTER}),
    ("claims", "POST", "/v1/x12/837"): frozenset({SUBMITTER}),
    ("claims", "GET", "/v1/review-queue"): frozenset({OPS}),
    ("claims", "POST", "/v1/review-queue/{claim_id}/take"): frozenset({OPS}),
    ("claims", "POST", "/v1/review-queue/{claim_id}/override"): frozenset({OPS}),
    ("claims", "POST", "/v1/review-queue/{claim_id}/reject"): frozenset({OPS}),
    ("claims", "POST", "/v1/review-queue/{claim_id}/return"): frozenset({OPS}),
    ("claims", "GET", "/v1/payers"): frozenset({ADMIN}),
    ("claims", "GET", "/v1/payers/{payer_id}"): frozenset({ADMIN}),
    ("claims", "PUT", "/v1/payers/{payer_id}"): frozenset({ADMIN}),
    ("claims", "POST", "/v1/patient-refs"): frozenset({SUBMITTER}),
    ("code-catalog", "POST", "/v1/applications"): frozenset({SUBMITTER}),
    ("code-catalog", "POST", "/v1/panel-meetings"): frozenset({OPS}),
    ("code-catalog", "POST", "/v1/custom-codes"): frozenset({SUBMITTER}),
    ("prior-auth", "POST", "/v1/requirements/check"): frozenset({SUBMITTER}),
    ("prior-auth", "POST", "/v1/requirements"): frozenset({PAYER}),
    ("prior-auth", "GET", "/v1/requirements"): frozenset({PAYER}),
    ("prior-auth", "PUT", "/v1/requirements/{rule_id}"): frozenset({PAYER}),
    ("prior-auth", "DELETE", "/v1/requirements/{rule_id}"): frozenset({PAYER}),
    ("prior-auth", "POST", "/v1/authorizations"): frozenset({SUBMITTER}),
    ("prior-auth", "POST", "/v1/authorizations/{authorization_id}/decisions"): frozenset({PAYER}),
    ("prior-auth", "POST", "/v1/authorizations/{authorization_id}/extension"): frozenset({PAYER}),
    ("prior-auth", "POST", "/v1/x12/278"): frozenset({SUBMITTER}),
    ("prior-auth", "POST", "/v1/authorizations/{authorization_id}/documents"): frozenset(
        {SUBMITTER}
    ),
    ("prior-auth", "PUT", "/v1/authorizations/{authorization_id}/lines"): frozenset({SUBMITTER}),
    ("prior-auth", "POST", "/v1/authorizations/{authorization_id}/cancel"): frozenset({SUBMITTER}),
    ("prior-auth", "POST", "/v1/authorizations/{authorization_id}/appeal"): frozenset({SUBMITTER}),
    ("prior-auth", "GET", "/v1/payers/{payer_id}/settings"): frozenset({PAYER}),
    ("prior-auth", "PUT", "/v1/payers/{payer_id}/settings"): frozenset({ADMIN}),
    ("prior-auth", "GET", "/v1/payers/{payer_id}/simulator"): frozenset({ADMIN}),
    ("prior-auth", "PUT", "/v1/payers/{payer_id}/simulator"): frozenset({ADMIN}),
    ("prior-auth", "GET", "/v1/metrics/prior-auth"): frozenset({PAYER, OPS}),
    **{
        ("notifications", method, path): frozenset({SUBMITTER, OPS})
        for method, path in (
            ("POST", "/v1/subscriptions"),
            ("GET", "/v1/subscriptions"),
            ("GET", "/v1/subscriptions/{subscription_id}"),
            ("PATCH", "/v1/subscriptions/{subscription_id}"),
            ("DELETE", "/v1/subscriptions/{subscription_id}"),
            ("POST", "/v1/subscriptions/{subscription_id}/rotate-secret"),
            ("GET", "/v1/subscriptions/{subscription_id}/deliveries"),
            ("POST", "/v1/subscriptions/{subscription_id}/redeliver-failed"),
            ("GET", "/v1/deliveries/{delivery_id}"),
            ("POST", "/v1/deliveries/{delivery_id}/redeliver"),
        )
    },
}


def enforced_rules(name: str, app: FastAPI) -> dict[tuple[str, str, str], frozenset[str]]:
    """The roles each route's ``require_roles`` dependencies admit, read from the app."""
    rules = {}
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        checks = [c for c in _calls(context.dependant) if callable(c) and is_role_check(c)]
        for check in checks:
            roles = inspect.getclosurevars(check).nonlocals["roles"]
            for method in context.methods or ():
                rules[(name, method, str(context.path_format))] = frozenset(r.value for r in roles)
    return rules


def _calls(dependant: object) -> list[object]:
    found: list[object] = []
    for dependency in getattr(dependant, "dependencies", ()):
        found += [dependency.call, *_calls(dependency)]
    return found


class TestAuthentication:
    async def test_every_route_but_the_public_ones_refuses_a_missing_or_wrong_key(
        self, clients: dict[str, httpx.AsyncClient]
    ) -> None:
        checked = requests = 0
        for name, definition in definitions().items():
            routes = routes_of(build_app(definition))
            public = {(r.method, r.path) for r in routes if not r.authenticated}
            assert {path for _, path in public} == PUBLIC_PATHS, name
            for route in routes:
                if not route.authenticated:
                    continue
                url = route.url()
                for headers in (
                    {},
                    {"X-API-Key": "cf_not-a-key"},
                    {"Authorization": "Bearer cf_not-a-key"},
                    {"Authorization": "Basic dXNlcjpwYXNz"},
                ):
                    response = await clients[name].request(route.method, url, headers=headers)
                    requests += 1
                    assert response.status_code == 401, (name, route.method, url, headers)
                    assert response.headers["content-type"] == "application/problem+json"
                checked += 1
            for path in ("/health", "/metrics"):
                assert (await clients[name].get(path)).status_code == 200
        print(f"\nauthentication: {checked} routes checked, {requests} requests, all 401")
        assert checked >= 58

    async def test_only_the_hash_of_a_key_is_stored(self, service_urls: dict[str, str]) -> None:
        secret = await issue(service_urls, "tenant-hash", Role.SUBMITTER, Role.OPS)
        body = secret.removeprefix("cf_")
        rows_checked = 0
        for url in service_urls.values():
            database = connect(url, pool_size=1)
            try:
                async with database.session() as session:
                    rows = (await session.execute(text("SELECT * FROM api_keys"))).mappings().all()
            finally:
                await database.dispose()
            assert rows
            rows_checked += len(rows)
            dumped = " ".join(str(value) for row in rows for value in row.values())
            assert secret not in dumped and body not in dumped and body[:20] not in dumped
        print(f"\nkeys: {rows_checked} api_keys rows in {len(service_urls)} databases, no secret")


class TestRoles:
    def test_the_rules_are_the_ones_the_code_enforces(self) -> None:
        enforced: dict[tuple[str, str, str], frozenset[str]] = {}
        for name, definition in definitions().items():
            enforced |= enforced_rules(name, build_app(definition))
        assert enforced == ROLE_RULES
        print(f"\nrole rules: {len(ROLE_RULES)} guarded routes, table equals the code")

    async def test_a_role_outside_a_rule_is_refused_and_one_inside_is_let_through(
        self, clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str]
    ) -> None:
        tenant = "tenant-roles"
        keys = {
            role: await issue(service_urls, tenant, Role(role)) for role in (SUBMITTER, PAYER, OPS)
        }
        keys[ADMIN] = await issue(service_urls, tenant, Role.ADMIN)
        refused = admitted = 0
        for (name, method, path), roles in ROLE_RULES.items():
            route = next(
                r
                for r in routes_of(build_app(definitions()[name]))
                if (r.method, r.path) == (method, path)
            )
            url = route.url(payer_id=tenant)
            for role, secret in keys.items():
                response = await clients[name].request(method, url, headers={"X-API-Key": secret})
                if role in roles or role == ADMIN:
                    assert response.status_code not in (401, 403), (role, method, path)
                    admitted += 1
                else:
                    assert response.status_code == 403, (role, method, path, response.text)
                    refused += 1
        print(f"\nroles: {len(ROLE_RULES)} rules, {refused} refused (403), {admitted} admitted")

    async def test_a_submitter_cannot_decide_an_authorization_nor_act_for_the_panel(
        self, clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str]
    ) -> None:
        submitter = {"X-API-Key": await issue(service_urls, "tenant-a", Role.SUBMITTER)}
        created = await clients["prior-auth"].post(
            "/v1/authorizations", json=authorization_body(), headers=submitter
        )
        assert created.status_code == 201, created.text
        decided = await clients["prior-auth"].post(
            f"/v1/authorizations/{created.json()['id']}/decisions",
            json={"code": "A1", "authorization_number": "AUTH-1"},
            headers=submitter,
        )
        assert decided.status_code == 403, decided.text
        application = await clients["code-catalog"].post(
            "/v1/applications",
            json={"title": "A made-up procedure", "category": "I", "details": {}},
            headers=submitter,
        )
        assert application.status_code == 201, application.text
        for action in ("start_review", "approve", "reject", "publish", "request_information"):
            response = await clients["code-catalog"].post(
                f"/v1/applications/{application.json()['id']}/transitions",
                json={"action": action, "reason": "because"},
                headers=submitter,
            )
            assert response.status_code == 403, (action, response.text)
            assert "panel" in response.json()["detail"]


def authorization_body() -> dict[str, object]:
    """An authorization request at the demo payer for a synthetic patient."""
    return {
        "payer_id": "DEMO-PAYER",
        "patient_ref": "SYNTH-PATIENT-0042",
        "subscriber_ref": "SYNTH-SUBSCRIBER-0042",
        "requesting_npi": "1234567893",
        "servicing_npi": "1245319599",
        "priority": "standard",
        "place_of_service": "12",
        "lines": [
            {
                "code": "E0114",
                "units": 2,
                "start_date": "2030-10-01",
                "end_date": "2030-12-31",
                "diagnosis_codes": ["M2351"],
            }
        ],
    }
