"""The ops review queue: pended claims with findings; one person takes a claim; overrides,
rejections and returns are audited and move the claim."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

Claim = Callable[..., dict[str, Any]]


@pytest.fixture
async def pended(api: Any, claim: Claim, reviews: Any) -> str:
    """A claim pended for review with an MUE warning on line 1 and an NCCI one on line 2."""
    claim_id = (await api.submitted(claim()))["claim_id"]
    await reviews.code(claim_id, ("MUE", "warn", 1), ("NCCI_PTP", "warn", 2))
    await reviews.auth(claim_id, "not_required", "not_required")
    return str(claim_id)


async def act(
    api: Any, claim_id: str, action: str, body: Any = None, key: str | None = None
) -> Any:
    return await api.client.post(
        f"/v1/review-queue/{claim_id}/{action}",
        json=body,
        headers=api.headers(key or api.keys.ops),
    )


class TestListing:
    async def test_pended_claims_are_listed_with_their_findings(
        self, api: Any, claim: Claim, reviews: Any, pended: str, clock: Any
    ) -> None:
        clock.advance(seconds=1)
        waiting = (await api.submitted(claim(patient_ref="SYNTH-AUTH")))["claim_id"]
        await reviews.code(waiting)
        await reviews.auth(waiting, "missing", "not_required")
        await api.submitted(claim(patient_ref="SYNTH-CLEAN"))
        page = (await api.client.get("/v1/review-queue", headers=api.headers(api.keys.ops))).json()
        assert [i["claim_id"] for i in page["items"]] == [pended, waiting]
        assert [f["rule"] for f in page["items"][0]["findings"]] == ["MUE", "NCCI_PTP"]
        only = await api.client.get(
            "/v1/review-queue?status=pended_auth", headers=api.headers(api.keys.ops)
        )
        assert [i["claim_id"] for i in only.json()["items"]] == [waiting]

    async def test_the_queue_is_for_ops_and_admins(self, api: Any, pended: str) -> None:
        assert (await api.client.get("/v1/review-queue", headers=api.headers())).status_code == 403
        response = await act(api, pended, "take", key=api.keys.submitter)
        assert response.status_code == 403


class TestTaking:
    async def test_a_taken_claim_cannot_be_taken_by_another(self, api: Any, pended: str) -> None:
        taken = await act(api, pended, "take", {"reason": "looking at MUE"})
        assert taken.status_code == 200 and taken.json()["assigned_to"].startswith("key:")
        again = await act(api, pended, "take")
        assert again.status_code == 200
        other = await act(api, pended, "take", key=api.keys.other_ops)
        assert other.status_code == 409
        assert other.json()["taken_by"] == taken.json()["assigned_to"]

    async def test_two_people_racing_to_take_one_claim_one_wins(
        self, api: Any, pended: str
    ) -> None:
        responses = await asyncio.gather(
            act(api, pended, "take"), act(api, pended, "take", key=api.keys.other_ops)
        )
        assert sorted(r.status_code for r in responses) == [200, 409]

    async def test_a_claim_that_is_not_pended_cannot_be_taken(self, api: Any, claim: Claim) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        assert (await act(api, claim_id, "take")).status_code == 409

    async def test_nobody_acts_on_a_claim_they_have_not_taken(self, api: Any, pended: str) -> None:
        decision = {"reason": "not mine to reject"}
        assert (await act(api, pended, "reject", decision)).status_code == 409
        await act(api, pended, "take", key=api.keys.other_ops)
        assert (await act(api, pended, "reject", decision)).status_code == 409


class TestActions:
    async def test_overriding_every_warning_accepts_the_claim(
        self, api: Any, pended: str, sql: Any
    ) -> None:
        await act(api, pended, "take")
        first = await act(api, pended, "override", {"rule": "MUE", "line": 1, "reason": "units ok"})
        assert first.status_code == 200 and first.json()["status"] == "pended_review"
        assert [f["overridden"] for f in first.json()["findings"]] == [True, False]
        second = await act(api, pended, "override", {"rule": "NCCI_PTP", "reason": "modifier 59"})
        assert second.json()["status"] == "accepted"
        assert second.json()["assigned_to"] is None
        stored = await api.claim(pended)
        assert stored["history"][-1]["reason"] == "every warning was overridden by ops"
        assert stored["history"][-1]["actor"].startswith("key:")
        assert [(a["action"], a["reason"]) for a in stored["review_actions"]] == [
            ("take", "taken for review"),
            ("override", "units ok"),
            ("override", "modifier 59"),
        ]
        [event] = await sql(
            "SELECT payload FROM outbox WHERE key = :k"
            " AND convert_from(payload, 'UTF8') LIKE '%\"to_status\":\"accepted\"%'",
            k=pended,
        )
        assert json.loads(event.payload)["actor"] == stored["history"][-1]["actor"]

    async def test_overriding_a_warning_the_claim_does_not_have_is_a_422(
        self, api: Any, pended: str
    ) -> None:
        await act(api, pended, "take")
        response = await act(api, pended, "override", {"rule": "MUE", "line": 2, "reason": "x" * 5})
        assert response.status_code == 422

    async def test_a_reason_is_required(self, api: Any, pended: str) -> None:
        await act(api, pended, "take")
        assert (await act(api, pended, "reject", {"reason": ""})).status_code == 422
        assert (await act(api, pended, "reject", {})).status_code == 422

    async def test_rejecting_records_who_and_why(self, api: Any, pended: str) -> None:
        await act(api, pended, "take")
        response = await act(api, pended, "reject", {"reason": "units beyond policy"})
        assert response.json()["status"] == "rejected"
        stored = await api.claim(pended)
        last = stored["history"][-1]
        assert (last["to_status"], last["reason"]) == ("rejected", "units beyond policy")
        assert stored["review_actions"][-1]["action"] == "reject"

    async def test_returning_sends_the_claim_back_for_a_replacement(
        self, api: Any, claim: Claim, pended: str
    ) -> None:
        await act(api, pended, "take")
        response = await act(api, pended, "return", {"reason": "fix the modifier"})
        assert response.json()["status"] == "returned"
        inquiry = await api.client.post(
            "/v1/claims/inquiry", json={"claim_id": pended}, headers=api.headers()
        )
        assert inquiry.json()["claims"][0]["category_code"] == "A3"
        replacement = await api.submitted(claim(frequency="7", original_claim_ref=pended))
        assert replacement["status"] == "received"
        assert (await api.claim(pended))["status"] == "replaced"

    async def test_a_pended_auth_claim_cannot_have_warnings_overridden(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id, ("MUE", "warn", 1))
        await reviews.auth(claim_id, "missing", "not_required")
        await act(api, claim_id, "take")
        response = await act(api, claim_id, "override", {"rule": "MUE", "reason": "fine here"})
        assert response.status_code == 409

    async def test_another_tenants_claim_is_not_found(
        self, api: Any, claim: Claim, database: Any
    ) -> None:
        theirs = (await api.submitted(claim(), key=api.keys.other_submitter))["claim_id"]
        assert (await act(api, theirs, "take")).status_code == 404
