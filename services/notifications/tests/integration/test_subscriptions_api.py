"""Subscriptions over HTTP: secrets shown once and sealed at rest, URL checks, tenancy, roles,
rotation with an overlap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from claimflow_shared.runtime import Runtime
from notifications.delivery.testing import ManualClock, MappedResolver
from notifications.delivery.url_safety import Resolver
from notifications.settings import NotificationsSettings

Headers = dict[str, dict[str, str]]
BODY = {"url": "http://127.0.0.1:9/hooks", "event_types": ["claims.claim.*"]}


async def create(api: httpx.AsyncClient, headers: Headers, **changes: Any) -> httpx.Response:
    """POST a subscription as the tenant-a submitter."""
    return await api.post(
        "/v1/subscriptions", json={**BODY, **changes}, headers=headers["submitter"]
    )


class TestCreate:
    async def test_the_secret_is_shown_once_and_sealed_at_rest(
        self, api: httpx.AsyncClient, headers: Headers, runtime: Runtime
    ) -> None:
        response = await create(api, headers, description="billing system")
        assert response.status_code == 201
        created = response.json()
        secret = created["secret"]
        assert secret.startswith("whsec_")
        assert created["enabled"] is True and created["event_types"] == ["claims.claim.*"]

        shown = await api.get(f"/v1/subscriptions/{created['id']}", headers=headers["submitter"])
        listed = await api.get("/v1/subscriptions", headers=headers["submitter"])
        assert "secret" not in shown.json()
        assert [s["id"] for s in listed.json()] == [created["id"]]
        assert secret not in shown.text + listed.text

        async with runtime.database.session() as session:
            sealed = (
                await session.execute(
                    text("SELECT secret_sealed FROM subscriptions WHERE id = :i"),
                    {"i": created["id"]},
                )
            ).scalar_one()
        assert secret.encode() not in sealed
        assert secret[len("whsec_") :].encode() not in sealed

    async def test_a_bad_event_type_pattern_is_a_422_naming_the_field(
        self, api: httpx.AsyncClient, headers: Headers
    ) -> None:
        response = await create(api, headers, event_types=["claims.claim.status_*"])
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "event_types" in response.json()["detail"]

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("ftp://127.0.0.1/hooks", "scheme"),
            ("http://user:pw@127.0.0.1/hooks", "credentials"),
            ("http://10.1.2.3/hooks", "private"),
            ("http://169.254.169.254/latest", "link-local"),
            ("http://private.example.test/hooks", "private"),
            ("http://unknown.example.test/hooks", "cannot be resolved"),
        ],
    )
    async def test_an_unsafe_url_is_a_422_naming_the_problem(
        self, api: httpx.AsyncClient, headers: Headers, url: str, reason: str
    ) -> None:
        response = await create(api, headers, url=url)
        assert response.status_code == 422
        problem = response.json()
        assert reason in problem["detail"]
        assert problem["errors"][0]["loc"] == ["body", "url"]

    @pytest.fixture
    def resolver(self) -> Resolver:
        return MappedResolver({"private.example.test": ["93.184.215.14", "10.0.0.7"]})


class TestProductionRules:
    @pytest.fixture
    def settings(self, database_url: str, clock: ManualClock) -> NotificationsSettings:
        return NotificationsSettings(
            database_url=database_url,
            bus="memory",
            environment="production",
            clock=clock,
            secret_keys="ZmFrZS1idXQtd2VsbC1mb3JtZWQtMzItYnl0ZS1rZXk=",
        )

    @pytest.fixture
    def resolver(self) -> Resolver:
        return MappedResolver({"hooks.example.test": ["93.184.215.14"]})

    async def test_production_wants_https_and_refuses_loopback(
        self, api: httpx.AsyncClient, headers: Headers
    ) -> None:
        plain = await create(api, headers, url="http://hooks.example.test/in")
        loopback = await create(api, headers, url="https://127.0.0.1/in")
        public = await create(api, headers, url="https://hooks.example.test/in")
        assert (plain.status_code, loopback.status_code, public.status_code) == (422, 422, 201)
        assert "https" in plain.json()["detail"]
        assert "loopback" in loopback.json()["detail"]


class TestTenancyAndRoles:
    async def test_another_tenants_subscription_is_not_found(
        self, api: httpx.AsyncClient, headers: Headers
    ) -> None:
        mine = (await create(api, headers)).json()["id"]
        other = headers["other"]
        path = f"/v1/subscriptions/{mine}"
        answers = [
            await api.get(path, headers=other),
            await api.patch(path, json={"enabled": False}, headers=other),
            await api.post(f"{path}/rotate-secret", headers=other),
            await api.get(f"{path}/deliveries", headers=other),
            await api.post(f"{path}/redeliver-failed", headers=other),
            await api.delete(path, headers=other),
        ]
        assert [a.status_code for a in answers] == [404] * len(answers)
        assert (await api.get("/v1/subscriptions", headers=other)).json() == []
        assert (await api.get(path, headers=headers["submitter"])).json()["enabled"] is True

    async def test_ops_may_manage_and_payers_may_not(
        self, api: httpx.AsyncClient, headers: Headers
    ) -> None:
        by_ops = await api.post("/v1/subscriptions", json=BODY, headers=headers["ops"])
        by_payer = await api.post("/v1/subscriptions", json=BODY, headers=headers["payer"])
        listed = await api.get("/v1/subscriptions", headers=headers["payer"])
        assert (by_ops.status_code, by_payer.status_code, listed.status_code) == (201, 403, 403)


class TestChanges:
    async def test_patch_changes_patterns_and_disabling_is_reversible(
        self, api: httpx.AsyncClient, headers: Headers, clock: ManualClock
    ) -> None:
        created = (await create(api, headers)).json()
        path = f"/v1/subscriptions/{created['id']}"
        patterns = {"event_types": ["priorauth.authorization.*", "claims.*.status_changed.v1"]}
        changed = await api.patch(path, json=patterns, headers=headers["submitter"])
        assert changed.json()["event_types"] == patterns["event_types"]

        disabled = await api.patch(path, json={"enabled": False}, headers=headers["submitter"])
        assert disabled.json()["enabled"] is False
        assert disabled.json()["disabled_reason"] == "by_tenant"
        enabled = await api.patch(path, json={"enabled": True}, headers=headers["submitter"])
        assert enabled.json()["enabled"] is True and enabled.json()["disabled_reason"] is None

    async def test_delete_removes_it(self, api: httpx.AsyncClient, headers: Headers) -> None:
        created = (await create(api, headers)).json()
        path = f"/v1/subscriptions/{created['id']}"
        assert (await api.delete(path, headers=headers["submitter"])).status_code == 204
        assert (await api.get(path, headers=headers["submitter"])).status_code == 404

    async def test_rotation_returns_a_new_secret_and_keeps_the_old_one_for_the_overlap(
        self, api: httpx.AsyncClient, headers: Headers, clock: ManualClock
    ) -> None:
        created = (await create(api, headers)).json()
        path = f"/v1/subscriptions/{created['id']}/rotate-secret"
        rotated = await api.post(path, headers=headers["submitter"])
        assert rotated.status_code == 200
        body = rotated.json()
        assert body["secret"].startswith("whsec_") and body["secret"] != created["secret"]
        expires = clock() + timedelta(hours=24)
        assert body["previous_secret_expires_at"] == expires.isoformat().replace("+00:00", "Z")

        short = await api.post(path, json={"overlap_hours": 0}, headers=headers["submitter"])
        assert short.json()["previous_secret_expires_at"] is None
