"""Extending a decision timeframe and the deadlines of an appeal, on PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx

from claimflow_shared.db import Database
from prior_auth.authorizations import scheduler

from .helpers import PAYER, Clock, Keys, auth, decide, published, submit

STATUS_CHANGED = "priorauth.authorization.status_changed.v1"
DUE_SOON = "priorauth.authorization.due_soon.v1"
OVERDUE = "priorauth.authorization.overdue.v1"
PERIOD = {"from": "2025-10-01T00:00:00Z", "to": "2025-11-01T00:00:00Z"}


async def extend(
    client: httpx.AsyncClient, secret: str, authorization_id: str, days: int = 14, **extra: Any
) -> httpx.Response:
    """Ask for an extension as the given key."""
    body = {"days": days, "reason": "records requested from the treating specialist", **extra}
    return await client.post(
        f"/v1/authorizations/{authorization_id}/extension", json=body, headers=auth(secret)
    )


async def run_pass(database: Database, clock: Clock) -> scheduler.PassReport:
    """One scheduler pass at the clock's time."""
    async with database.session() as session:
        return await scheduler.run_pass(session=session, now=clock(), limit=50)


class TestExtension:
    async def test_an_extension_moves_the_due_time_and_is_audited_and_announced(
        self, client: httpx.AsyncClient, keys: Keys, database: Database
    ) -> None:
        created = await submit(client, keys)
        assert created["due_at"] == "2025-10-08T12:00:00Z"
        response = await extend(client, keys.payer, created["id"])
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "submitted"
        assert response.json()["due_at"] == "2025-10-22T12:00:00Z"
        history = await client.get(
            f"/v1/authorizations/{created['id']}/history", headers=auth(keys.submitter)
        )
        step = history.json()["transitions"][-1]
        assert (step["action"], step["actor_kind"], step["from_status"], step["to_status"]) == (
            "extend",
            "payer",
            "submitted",
            "submitted",
        )
        assert step["reason"].startswith("records requested")
        assert step["details"] == {"extension_seconds": str(14 * 86400)}
        [event] = [e for e in await published(database, STATUS_CHANGED) if e["action"] == "extend"]
        assert event["due_at"] == "2025-10-22T12:00:00Z" and event["to_status"] == "submitted"

    async def test_only_once_only_before_a_decision_and_at_most_14_days(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        first, second = (await submit(client, keys))["id"], (await submit(client, keys))["id"]
        too_long = await extend(client, keys.payer, first, days=15)
        assert too_long.status_code == 422 and too_long.json()["field"] == "days"
        assert (await extend(client, keys.payer, first, days=5)).status_code == 200
        again = await extend(client, keys.payer, first, days=5)
        assert again.status_code == 409 and "already extended" in again.json()["detail"]
        assert (await decide(client, keys, second, "A1")).status_code == 200
        decided = await extend(client, keys.payer, second)
        assert decided.status_code == 409 and decided.json()["current_status"] == "approved"
        no_reason = await extend(client, keys.payer, first, reason="")
        assert no_reason.status_code == 422

    async def test_the_payers_settings_bound_the_extensions(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        settings = {"max_extension_days": 3, "max_extensions": 2}
        put = await client.put(
            f"/v1/payers/{PAYER}/settings", json=settings, headers=auth(keys.admin)
        )
        assert put.status_code == 200 and put.json()["max_extensions"] == 2
        created = (await submit(client, keys))["id"]
        assert (await extend(client, keys.payer, created, days=4)).status_code == 422
        assert (await extend(client, keys.payer, created, days=3)).status_code == 200
        final = await extend(client, keys.payer, created, days=3)
        assert final.status_code == 200 and final.json()["due_at"] == "2025-10-14T12:00:00Z"
        assert (await extend(client, keys.payer, created, days=1)).status_code == 409

    async def test_only_the_addressed_payer_may_extend(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = (await submit(client, keys))["id"]
        assert (await extend(client, keys.other_payer, created)).status_code == 404
        assert (await extend(client, keys.submitter, created)).status_code == 403

    async def test_a_late_decision_within_the_extension_counts_as_extended(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock
    ) -> None:
        clock.now = clock.now.replace(day=2)
        created = (await submit(client, keys, priority="expedited"))["id"]
        await extend(client, keys.payer, created)
        clock.advance(days=5)
        assert (await decide(client, keys, created, "A1")).status_code == 200
        metrics = await client.get(
            "/v1/metrics/prior-auth", params=PERIOD, headers=auth(keys.payer)
        )
        expedited = metrics.json()["payers"][0]["expedited"]
        assert expedited["extended_timeframe_percent"] == 100.0
        assert expedited["extended_and_approved_percent"] == 100.0


class TestAppealDeadlines:
    async def test_an_appeal_is_due_on_its_own_clock_and_warned_about_once_each(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = (await submit(client, keys))["id"]
        clock.advance(days=2)
        await decide(client, keys, created, "A3")
        clock.advance(days=1)
        appealed = await client.post(
            f"/v1/authorizations/{created}/appeal",
            json={"reason": "new imaging"},
            headers=auth(keys.submitter),
        )
        assert appealed.status_code == 200
        assert appealed.json()["due_at"] == "2025-10-11T12:00:00Z"
        clock.advance(days=5, hours=23)
        assert (await run_pass(database, clock)).total == 0
        clock.advance(hours=1)
        assert (await run_pass(database, clock)).due_soon == 1
        clock.advance(days=1, seconds=1)
        assert (await run_pass(database, clock)).overdue == 1
        clock.advance(days=2)
        assert (await run_pass(database, clock)).total == 0
        [soon] = await published(database, DUE_SOON)
        [late] = await published(database, OVERDUE)
        assert soon["status"] == late["status"] == "in_appeal"
        assert late["due_at"] == "2025-10-11T12:00:00Z"
        async with database.session() as session:
            assert await scheduler.overdue_now(session=session, now=clock()) == 1

    async def test_a_request_warned_about_is_warned_about_again_when_appealed(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = (await submit(client, keys, priority="expedited"))["id"]
        clock.advance(hours=80)
        assert (await run_pass(database, clock)).overdue == 1
        await decide(client, keys, created, "A3")
        await client.post(
            f"/v1/authorizations/{created}/appeal", json={}, headers=auth(keys.submitter)
        )
        clock.advance(hours=72, seconds=1)
        assert (await run_pass(database, clock)).overdue == 1
        overdue = await published(database, OVERDUE)
        assert [e["status"] for e in overdue] == ["submitted", "in_appeal"]
        await decide(client, keys, created, "A1")
        clock.advance(days=10)
        assert (await run_pass(database, clock)).total == 0

    async def test_an_appeal_may_be_extended(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock
    ) -> None:
        created = (await submit(client, keys))["id"]
        assert (await extend(client, keys.payer, created, days=2)).status_code == 200
        await decide(client, keys, created, "A3")
        appealed = await client.post(
            f"/v1/authorizations/{created}/appeal", json={}, headers=auth(keys.submitter)
        )
        assert appealed.json()["due_at"] == "2025-10-08T12:00:00Z"
        extended = await extend(client, keys.payer, created, days=2)
        assert extended.status_code == 200 and extended.json()["due_at"] == "2025-10-10T12:00:00Z"
