"""Submitting authorization requests: deadlines, idempotency keys, validation and tenancy."""

from __future__ import annotations

from datetime import datetime

import httpx

from claimflow_shared.db import Database

from .helpers import PAYER, Clock, Keys, auth, document, line, published, request_body, submit


def at(text: str) -> datetime:
    """An instant from ISO text."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class TestSubmission:
    async def test_a_standard_request_is_due_seven_calendar_days_after_receipt(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        created = await submit(client, keys, documents=[document()])
        assert created["status"] == "submitted"
        assert at(created["received_at"]) == clock.now
        assert created["due_at"] == "2025-10-08T12:00:00Z"
        assert [d["title"] for d in created["documents"]] == ["Clinical notes"]
        assert created["lines"][0]["code"] == "E0114"
        [event] = await published(database, "priorauth.authorization.status_changed.v1")
        assert event["to_status"] == "submitted" and event["from_status"] is None
        assert event["codes"] == ["E0114"] and event["tenant_id"] == "tenant-a"
        assert "patient_ref" not in event and "SYNTH" not in str(event)

    async def test_an_expedited_request_is_due_in_72_hours(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys, priority="expedited")
        assert created["due_at"] == "2025-10-04T12:00:00Z"

    async def test_the_payers_settings_decide_the_window_and_its_calendar(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock
    ) -> None:
        settings = {"time_zone": "America/New_York", "standard_days": 14}
        response = await client.put(
            f"/v1/payers/{PAYER}/settings", json=settings, headers=auth(keys.admin)
        )
        assert response.status_code == 200
        clock.now = at("2025-10-28T12:00:00Z")
        created = await submit(client, keys)
        assert created["due_at"] == "2025-11-11T13:00:00Z", "14 New York days span the DST end"


class TestIdempotency:
    async def test_the_same_key_and_body_answer_the_same_request(
        self, client: httpx.AsyncClient, keys: Keys, database: Database
    ) -> None:
        headers = {**auth(keys.submitter), "Idempotency-Key": "req-001"}
        first = await client.post("/v1/authorizations", json=request_body(), headers=headers)
        again = await client.post("/v1/authorizations", json=request_body(), headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        listed = await client.get("/v1/authorizations", headers=auth(keys.submitter))
        assert [a["id"] for a in listed.json()] == [first.json()["id"]]
        assert len(await published(database, "priorauth.authorization.status_changed.v1")) == 1

    async def test_the_same_key_with_another_body_is_422(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        headers = {**auth(keys.submitter), "Idempotency-Key": "req-002"}
        await client.post("/v1/authorizations", json=request_body(), headers=headers)
        other = request_body(line(units=5))
        response = await client.post("/v1/authorizations", json=other, headers=headers)
        assert response.status_code == 422
        assert response.json()["field"] == "Idempotency-Key"

    async def test_keys_are_per_tenant(self, client: httpx.AsyncClient, keys: Keys) -> None:
        body = request_body()
        mine = {**auth(keys.submitter), "Idempotency-Key": "shared"}
        theirs = {**auth(keys.other_submitter), "Idempotency-Key": "shared"}
        first = await client.post("/v1/authorizations", json=body, headers=mine)
        second = await client.post("/v1/authorizations", json=body, headers=theirs)
        assert second.status_code == 201 and second.json()["id"] != first.json()["id"]


class TestValidation:
    async def test_a_window_ending_before_it_starts_is_422_naming_the_line(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        body = request_body(line(), line(start="2025-11-01", end="2025-10-01"))
        response = await client.post("/v1/authorizations", json=body, headers=auth(keys.submitter))
        assert response.status_code == 422
        assert response.json()["field"] == "lines[2].end_date"

    async def test_a_malformed_body_is_422_naming_the_field(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        body = request_body(requesting_npi="12345")
        response = await client.post("/v1/authorizations", json=body, headers=auth(keys.submitter))
        assert response.status_code == 422
        assert "requesting_npi" in response.json()["detail"]

    async def test_only_submitters_request(self, client: httpx.AsyncClient, keys: Keys) -> None:
        response = await client.post(
            "/v1/authorizations", json=request_body(), headers=auth(keys.payer)
        )
        assert response.status_code == 403


class TestTenancy:
    async def test_another_tenants_authorization_is_not_found(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys)
        path = f"/v1/authorizations/{created['id']}"
        other = auth(keys.other_submitter)
        assert (await client.get(path, headers=auth(keys.submitter))).status_code == 200
        assert (await client.get(path, headers=other)).status_code == 404
        assert (await client.get(f"{path}/history", headers=other)).status_code == 404
        cancel = await client.post(f"{path}/cancel", json={}, headers=other)
        assert cancel.status_code == 404
        assert (await client.get("/v1/authorizations", headers=other)).json() == []

    async def test_a_payer_sees_what_is_addressed_to_it_only(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys)
        mine = await client.get("/v1/authorizations?status=submitted", headers=auth(keys.payer))
        theirs = await client.get("/v1/authorizations", headers=auth(keys.other_payer))
        assert [a["id"] for a in mine.json()] == [created["id"]]
        assert theirs.json() == []
        path = f"/v1/authorizations/{created['id']}"
        assert (await client.get(path, headers=auth(keys.other_payer))).status_code == 404


class TestRequesterSteps:
    async def test_lines_are_replaced_before_a_decision(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        created = await submit(client, keys, lines=[line("E0114"), line("E0143")])
        response = await client.put(
            f"/v1/authorizations/{created['id']}/lines",
            json={"lines": [line("E0135", units=1)]},
            headers=auth(keys.submitter),
        )
        assert response.status_code == 200
        assert [(x["line_number"], x["code"]) for x in response.json()["lines"]] == [(1, "E0135")]
