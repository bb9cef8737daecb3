"""Joining code review and the authorization check, in either order, into one decision; a claim
pended for authorization resumes when prior-auth answers again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

Claim = Callable[..., dict[str, Any]]


async def status_events(sql: Any, claim_id: str) -> list[dict[str, Any]]:
    rows = await sql(
        "SELECT payload FROM outbox WHERE key = :k AND event_type = :t ORDER BY id",
        k=claim_id,
        t="claims.claim.status_changed.v1",
    )
    return [json.loads(row.payload) for row in rows]


class TestDecision:
    @pytest.mark.parametrize("code_first", [True, False], ids=["code-first", "auth-first"])
    async def test_clean_results_in_either_order_accept_the_claim(
        self, api: Any, claim: Claim, reviews: Any, sql: Any, code_first: bool
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        steps = [reviews.code(claim_id), reviews.auth(claim_id, "not_required", "authorized")]
        first, second = steps if code_first else steps[::-1]
        await first
        assert (await api.claim(claim_id))["status"] == "received"
        await second
        stored = await api.claim(claim_id)
        assert stored["status"] == "accepted"
        assert stored["history"][-1]["actor"] == "system:review"
        events = await status_events(sql, claim_id)
        assert [(e["from_status"], e["to_status"]) for e in events] == [
            (None, "received"),
            ("received", "accepted"),
        ]

    async def test_a_rejecting_code_edit_rejects_with_every_finding(
        self, api: Any, claim: Claim, reviews: Any, sql: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id, ("CODE_UNKNOWN", "reject", 1), ("NCCI_PTP", "warn", 2))
        await reviews.auth(claim_id, "missing", "not_required")
        stored = await api.claim(claim_id)
        assert stored["status"] == "rejected"
        assert {(f["source"], f["rule"]) for f in stored["findings"]} == {
            ("code_review", "CODE_UNKNOWN"),
            ("code_review", "NCCI_PTP"),
            ("authorization", "AUTH_MISSING"),
        }
        assert (await status_events(sql, claim_id))[-1]["findings"] == ["CODE_UNKNOWN"]

    async def test_a_denied_authorization_rejects(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.auth(claim_id, "denied", "not_required")
        await reviews.code(claim_id)
        assert (await api.claim(claim_id))["status"] == "rejected"

    async def test_a_missing_authorization_pends_before_warnings_are_looked_at(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id, ("MUE", "warn", 1))
        await reviews.auth(claim_id, "pending", "not_required")
        assert (await api.claim(claim_id))["status"] == "pended_auth"

    async def test_warnings_alone_pend_for_a_person(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id, ("MUE", "warn", 1))
        await reviews.auth(claim_id, "not_required", "not_required")
        stored = await api.claim(claim_id)
        assert stored["status"] == "pended_review"
        assert stored["history"][-1]["reason"] == "code review warnings need a person"

    async def test_a_repeated_code_review_is_ignored(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id)
        await reviews.code(claim_id, ("CODE_UNKNOWN", "reject", 1))
        await reviews.auth(claim_id, "not_required", "not_required")
        assert (await api.claim(claim_id))["status"] == "accepted"


class TestResuming:
    async def test_a_pended_claim_resumes_when_the_authorization_is_approved(
        self, api: Any, claim: Claim, reviews: Any, sql: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id)
        await reviews.auth(claim_id, "missing", "not_required")
        assert (await api.claim(claim_id))["status"] == "pended_auth"
        await reviews.auth(claim_id, "authorized", "not_required")
        stored = await api.claim(claim_id)
        assert stored["status"] == "accepted"
        assert stored["auth_check"]["lines"][0]["status"] == "authorized"
        events = await status_events(sql, claim_id)
        assert [e["to_status"] for e in events] == ["received", "pended_auth", "accepted"]

    async def test_a_later_answer_still_pending_changes_nothing(
        self, api: Any, claim: Claim, reviews: Any, sql: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id)
        await reviews.auth(claim_id, "missing", "not_required")
        await reviews.auth(claim_id, "pending", "not_required")
        assert (await api.claim(claim_id))["status"] == "pended_auth"
        assert len(await status_events(sql, claim_id)) == 2

    async def test_a_resumed_claim_with_warnings_goes_to_ops(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        await reviews.code(claim_id, ("MUE", "warn", 2))
        await reviews.auth(claim_id, "missing", "not_required")
        await reviews.auth(claim_id, "authorized", "not_required")
        assert (await api.claim(claim_id))["status"] == "pended_review"

    async def test_answers_for_a_voided_claim_change_nothing(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        original = (await api.submitted(claim()))["claim_id"]
        await api.submitted(claim(frequency="8", original_claim_ref=original))
        await reviews.code(original)
        await reviews.auth(original, "not_required", "not_required")
        assert (await api.claim(original))["status"] == "voided"
