"""Every transition of the authorization state machine through the API, allowed and refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from claimflow_shared.db import Database
from prior_auth.authorizations import scheduler
from prior_auth.authorizations.status import TRANSITIONS, Action, ActionCode, AuthorizationStatus

from .helpers import Clock, Keys, auth, decide, decision, document, line, published, submit

S = AuthorizationStatus
API_TRIGGERS: tuple[Action | ActionCode, ...] = (
    Action.ADD_DOCUMENTS,
    Action.UPDATE,
    Action.CANCEL,
    Action.APPEAL,
    ActionCode.CERTIFIED_IN_TOTAL,
    ActionCode.CERTIFIED_PARTIAL,
    ActionCode.NOT_CERTIFIED,
    ActionCode.PENDED,
    ActionCode.MODIFIED,
    ActionCode.CONTACT_PAYER,
    ActionCode.NO_ACTION_REQUIRED,
)
REACHED_BY: dict[AuthorizationStatus, tuple[str, ...]] = {
    S.SUBMITTED: (),
    S.PENDED: ("A4",),
    S.CONTACT_PAYER: ("CT",),
    S.APPROVED: ("A1",),
    S.PARTIALLY_APPROVED: ("A2",),
    S.MODIFIED: ("A6",),
    S.DENIED: ("A3",),
    S.NOT_REQUIRED: ("NA",),
    S.IN_APPEAL: ("A3", "appeal"),
    S.CANCELLED: ("cancel",),
}


async def requester_step(
    client: httpx.AsyncClient, keys: Keys, authorization_id: str, action: Action
) -> httpx.Response:
    """Send one requester action as tenant-a."""
    base = f"/v1/authorizations/{authorization_id}"
    headers = auth(keys.submitter)
    if action is Action.ADD_DOCUMENTS:
        return await client.post(
            f"{base}/documents", json={"documents": [document()]}, headers=headers
        )
    if action is Action.UPDATE:
        return await client.put(f"{base}/lines", json={"lines": [line(units=3)]}, headers=headers)
    path = "cancel" if action is Action.CANCEL else "appeal"
    return await client.post(f"{base}/{path}", json={"reason": "changed plans"}, headers=headers)


async def send(
    client: httpx.AsyncClient, keys: Keys, authorization_id: str, trigger: Action | ActionCode
) -> httpx.Response:
    """Send a trigger through the API, as the party it belongs to."""
    if isinstance(trigger, ActionCode):
        return await decide(client, keys, authorization_id, trigger.value)
    return await requester_step(client, keys, authorization_id, trigger)


async def reach(
    client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, status: S
) -> str:
    """A fresh authorization brought to the status through the API (expiry: the scheduler)."""
    if status is S.EXPIRED:
        created = await submit(client, keys, lines=[line(end="2025-10-31")])
        approved = await decide(client, keys, created["id"], "A1")
        assert approved.status_code == 200, approved.text
        clock.now = clock.now.replace(month=11, day=2)
        async with database.session() as session:
            await scheduler.run_pass(session=session, now=clock.now, limit=10)
        return str(created["id"])
    created = await submit(client, keys)
    for step in REACHED_BY[status]:
        trigger: Action | ActionCode = (
            Action(step) if step in {"appeal", "cancel"} else ActionCode(step)
        )
        response = await send(client, keys, created["id"], trigger)
        assert response.status_code == 200, response.text
    return str(created["id"])


class TestEveryTransition:
    @pytest.mark.parametrize("status", list(S), ids=lambda s: s.value)
    async def test_each_trigger_is_applied_or_refused_as_the_table_says(
        self,
        client: httpx.AsyncClient,
        keys: Keys,
        clock: Clock,
        database: Database,
        status: S,
    ) -> None:
        mismatches: list[str] = []
        for trigger in API_TRIGGERS:
            authorization_id = await reach(client, keys, clock, database, status)
            current = await client.get(
                f"/v1/authorizations/{authorization_id}", headers=auth(keys.submitter)
            )
            assert current.json()["status"] == status.value
            response = await send(client, keys, authorization_id, trigger)
            expected = TRANSITIONS[status].get(trigger)
            if expected is None:
                body = response.json()
                if response.status_code != 409 or body.get("current_status") != status.value:
                    mismatches.append(f"{trigger.value}: {response.status_code} {body}")
            elif response.status_code != 200 or response.json()["status"] != expected.value:
                mismatches.append(f"{trigger.value}: {response.status_code} {response.text}")
        assert mismatches == []


class TestRefusals:
    async def test_a_refused_decision_is_409_naming_the_current_state_and_leaves_no_trace(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys)
        await client.post(
            f"/v1/authorizations/{created['id']}/cancel", json={}, headers=auth(keys.submitter)
        )
        response = await decide(client, keys, created["id"], "A1")
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["current_status"] == "cancelled"
        assert "cancelled" in response.json()["detail"]
        history = await client.get(
            f"/v1/authorizations/{created['id']}/history", headers=auth(keys.submitter)
        )
        assert [step["action"] for step in history.json()["transitions"]] == ["receive", "cancel"]

    async def test_a_denial_without_a_reason_is_422(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys)
        response = await decide(client, keys, created["id"], "A3", reason="  ")
        assert response.status_code == 422
        assert response.json()["field"] == "reason"

    @pytest.mark.parametrize(
        ("approved", "field"),
        [
            ({"units": 5, "start_date": "2025-10-01", "end_date": "2025-12-31"}, "units"),
            ({"units": 1, "start_date": "2025-09-30", "end_date": "2025-12-31"}, "start_date"),
            ({"units": 1, "start_date": "2025-10-01", "end_date": "2026-01-01"}, "start_date"),
        ],
        ids=["units", "starts-early", "ends-late"],
    )
    async def test_approvals_outside_the_request_are_422_naming_the_line(
        self, client: httpx.AsyncClient, keys: Keys, approved: dict[str, Any], field: str
    ) -> None:
        created = await submit(client, keys, lines=[line("E0114"), line("E0143", units=3)])
        lines = [{"line_number": 2, **approved}]
        response = await decide(client, keys, created["id"], "A6", approved_lines=lines)
        assert response.status_code == 422
        assert response.json()["field"] == f"approved_lines[2].{field}"
        assert "approved_lines[2]" in response.json()["detail"]

    async def test_a_cancellation_is_no_payer_decision(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys)
        response = await decide(client, keys, created["id"], "C")
        assert response.status_code == 422
        assert response.json()["field"] == "code"

    async def test_another_payer_cannot_decide(self, client: httpx.AsyncClient, keys: Keys) -> None:
        created = await submit(client, keys)
        response = await client.post(
            f"/v1/authorizations/{created['id']}/decisions",
            json=decision("A1"),
            headers=auth(keys.other_payer),
        )
        assert response.status_code == 404

    async def test_a_submitter_cannot_decide_and_a_payer_cannot_cancel(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys)
        path = f"/v1/authorizations/{created['id']}"
        as_submitter = await client.post(
            f"{path}/decisions", json=decision("A1"), headers=auth(keys.submitter)
        )
        as_payer = await client.post(f"{path}/cancel", json={}, headers=auth(keys.payer))
        assert (as_submitter.status_code, as_payer.status_code) == (403, 403)


class TestTrail:
    async def test_the_history_keeps_every_step_with_who_and_when_and_each_is_published(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys)
        path = f"/v1/authorizations/{created['id']}"
        clock.advance(hours=2)
        assert (await decide(client, keys, created["id"], "A4")).status_code == 200
        clock.advance(hours=3)
        documents = {"documents": [document("Order"), document("Notes")]}
        await client.post(f"{path}/documents", json=documents, headers=auth(keys.submitter))
        clock.advance(hours=1)
        await decide(client, keys, created["id"], "A2")
        clock.advance(days=1)
        await client.post(
            f"{path}/appeal", json={"reason": "needs 2"}, headers=auth(keys.submitter)
        )
        clock.advance(hours=4)
        await decide(client, keys, created["id"], "A1", authorization_number="AUTH-2")

        history = (await client.get(f"{path}/history", headers=auth(keys.payer))).json()
        steps = [
            (s["from_status"], s["to_status"], s["action"], s["action_code"], s["actor_kind"])
            for s in history["transitions"]
        ]
        assert steps == [
            (None, "submitted", "receive", None, "requester"),
            ("submitted", "pended", "decide", "A4", "payer"),
            ("pended", "submitted", "add_documents", None, "requester"),
            ("submitted", "partially_approved", "decide", "A2", "payer"),
            ("partially_approved", "in_appeal", "appeal", None, "requester"),
            ("in_appeal", "approved", "decide", "A1", "payer"),
        ]
        times = [s["at"] for s in history["transitions"]]
        assert times == sorted(times) and len(set(times)) == 6
        assert history["transitions"][3]["reason"] == "Only one unit is medically necessary"
        assert len(history["transitions"][2]["details"]["document_ids"].split(",")) == 2
        events = await published(database, "priorauth.authorization.status_changed.v1")
        assert [e["action"] for e in events] == [s[2] for s in steps]
        assert all(e["authorization_id"] == created["id"] for e in events)
        assert all("SYNTH" not in str(e) for e in events)
