"""The deadline scheduler on PostgreSQL: each warning once, with several schedulers at once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from claimflow_shared.db import Database
from prior_auth.authorizations import scheduler
from prior_auth.authorizations.scheduler import PassReport

from .helpers import PAYER, Clock, Keys, auth, decide, document, line, published, submit

DUE_SOON = "priorauth.authorization.due_soon.v1"
OVERDUE = "priorauth.authorization.overdue.v1"


async def run_pass(database: Database, clock: Clock) -> PassReport:
    """One scheduler pass in its own transaction, at the clock's time."""
    async with database.session() as session:
        return await scheduler.run_pass(session=session, now=clock(), limit=50)


async def warnings(database: Database) -> tuple[list[str], list[str]]:
    """The authorization ids of the due-soon and the overdue events published so far."""
    soon = [e["authorization_id"] for e in await published(database, DUE_SOON)]
    late = [e["authorization_id"] for e in await published(database, OVERDUE)]
    return soon, late


class TestWarnings:
    async def test_due_soon_and_overdue_are_published_once_each(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys)
        clock.advance(days=5, hours=23, minutes=59)
        assert (await run_pass(database, clock)).total == 0
        assert await warnings(database) == ([], [])
        clock.advance(minutes=1)
        await run_pass(database, clock)
        await run_pass(database, clock)
        assert await warnings(database) == ([created["id"]], [])
        clock.advance(hours=24)
        await run_pass(database, clock)
        assert await warnings(database) == ([created["id"]], []), "due, not yet overdue"
        clock.advance(seconds=1)
        await run_pass(database, clock)
        clock.advance(days=3)
        await run_pass(database, clock)
        assert await warnings(database) == ([created["id"]], [created["id"]])
        [event] = await published(database, OVERDUE)
        assert event["due_at"] == "2025-10-08T12:00:00Z" and event["codes"] == ["E0114"]
        assert event["status"] == "submitted" and "SYNTH" not in str(event)

    async def test_a_request_first_seen_overdue_gets_only_the_overdue_warning(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys, priority="expedited")
        clock.advance(hours=80)
        assert await run_pass(database, clock) == PassReport(overdue=1)
        await run_pass(database, clock)
        assert await warnings(database) == ([], [created["id"]])

    async def test_the_overdue_count_follows_the_clock_and_decisions(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys, priority="expedited")
        await submit(client, keys)

        async def overdue() -> int:
            async with database.session() as session:
                return await scheduler.overdue_now(session=session, now=clock())

        assert await overdue() == 0
        clock.advance(hours=73)
        assert await overdue() == 1
        assert (await decide(client, keys, created["id"], "A1")).status_code == 200
        assert await overdue() == 0
        clock.advance(days=7)
        assert await overdue() == 1

    async def test_two_schedulers_at_once_publish_each_warning_once(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        ids = {(await submit(client, keys))["id"] for _ in range(8)}
        clock.advance(days=8)
        reports = await asyncio.gather(*(run_pass(database, clock) for _ in range(3)))
        assert sum(report.overdue for report in reports) == 8
        _, late = await warnings(database)
        assert Counter(late) == Counter({authorization_id: 1 for authorization_id in ids})

    async def test_a_decided_request_is_never_warned(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys)
        clock.advance(days=2)
        assert (await decide(client, keys, created["id"], "A3")).status_code == 200
        clock.advance(days=10)
        await run_pass(database, clock)
        assert await warnings(database) == ([], [])


class TestPausedClock:
    async def test_a_payer_that_pauses_while_pended_moves_the_due_time_by_the_pause(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        await client.put(
            f"/v1/payers/{PAYER}/settings",
            json={"pause_while_pended": True},
            headers=auth(keys.admin),
        )
        created = await submit(client, keys)
        path = f"/v1/authorizations/{created['id']}"
        clock.advance(days=1)
        pended = (await decide(client, keys, created["id"], "A4")).json()
        assert pended["clock_paused"] is True
        clock.advance(days=9)
        await run_pass(database, clock)
        assert await warnings(database) == ([], [])
        answered = await client.post(
            f"{path}/documents", json={"documents": [document()]}, headers=auth(keys.submitter)
        )
        assert answered.json()["clock_paused"] is False
        assert answered.json()["due_at"] == "2025-10-17T12:00:00Z"
        clock.advance(days=5, hours=13)
        await run_pass(database, clock)
        assert await warnings(database) == ([created["id"]], [])

    async def test_without_the_pause_setting_a_pended_request_still_falls_due(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys)
        clock.advance(days=1)
        assert (await decide(client, keys, created["id"], "A4")).json()["clock_paused"] is False
        clock.advance(days=7)
        await run_pass(database, clock)
        assert await warnings(database) == ([], [created["id"]])


class TestExpiry:
    async def test_an_approval_expires_after_its_last_approved_day(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys, lines=[line(end="2025-10-31")])
        await decide(client, keys, created["id"], "A1")
        clock.now = clock.now.replace(month=10, day=31, hour=23)
        assert (await run_pass(database, clock)).expired == 0
        clock.advance(hours=2)
        assert (await run_pass(database, clock)).expired == 1
        current = await client.get(f"/v1/authorizations/{created['id']}", headers=auth(keys.payer))
        assert current.json()["status"] == "expired"
        history = await client.get(
            f"/v1/authorizations/{created['id']}/history", headers=auth(keys.submitter)
        )
        last = history.json()["transitions"][-1]
        assert (last["action"], last["actor_kind"], last["actor_id"]) == (
            "expire",
            "system",
            "deadline-scheduler",
        )
