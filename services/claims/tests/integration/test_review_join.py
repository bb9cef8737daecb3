"""Joining code review and the authorization check, in either order, into one decision; a claim
pended for authorization resumes when prior-auth answers again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import event

from claimflow_shared.bus import Message
from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
)
from claimflow_shared.events.contracts.priorauth import LineAuthorization
from claimflow_shared.messaging.consumer import EventConsumer
from claimflow_shared.telemetry import current_trace_headers
from claims.review.handlers import review_handlers

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


class TestOneRunOfResults:
    """The worker joins a run of results at once; claims move exactly as one at a time."""

    async def test_results_of_several_claims_in_one_batch(
        self, api: Any, claim: Claim, database: Any, clock: Any, sql: Any
    ) -> None:
        tracer = TracerProvider().get_tracer("test")
        ids = [(await api.submitted(claim(patient_ref=f"SYN-{i}")))["claim_id"] for i in range(3)]
        a, b, c = ids
        results = [
            code_review(a, clock),
            auth_check(a, clock, "pending", "not_required"),
            auth_check(b, clock, "denied", "not_required"),
            code_review(c, clock),
            auth_check(a, clock, "authorized", "not_required"),
            code_review(b, clock),
        ]
        traces, messages = [], []
        for offset, result in enumerate(results):
            with tracer.start_as_current_span("produce") as producer:
                envelope = Envelope.wrap(result)
                headers = [*envelope.headers()]
                headers += [(k, v.encode()) for k, v in current_trace_headers().items()]
            traces.append(f"{producer.get_span_context().trace_id:032x}")
            messages.append(
                Message(
                    topic=result.topic,
                    key=envelope.key.encode(),
                    value=envelope.data,
                    headers=headers,
                    partition=0,
                    offset=offset,
                )
            )
        consumer = EventConsumer(
            name="claims.review",
            database=database,
            bus=MemoryBus(),
            tracer=tracer,
            handlers=review_handlers(clock),
            topics=["catalog.events", "priorauth.events"],
        )
        writes: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if any(table in statement for table in ("UPDATE claims", 'UPDATE "claims"')):
                writes.append(statement)

        event.listen(database.engine.sync_engine, "before_cursor_execute", note)
        try:
            await consumer.handle_batch(messages)
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", note)

        # the three claims written back together, with the history of their changes
        [write] = writes
        assert 'INSERT INTO "claim_transitions"' in write
        assert (await api.claim(c))["code_review"] == {"outcome": "clean", "findings": []}
        assert [h["to_status"] for h in (await api.claim(a))["history"]] == [
            "received",
            "pended_auth",
            "accepted",
        ]
        assert (await api.claim(b))["status"] == "rejected"
        assert (await api.claim(c))["status"] == "received"
        rows = await sql(
            "SELECT key, payload, headers FROM outbox WHERE event_type = :t ORDER BY id",
            t="claims.claim.status_changed.v1",
        )
        announced = [
            (row.key, json.loads(row.payload)["to_status"], dict(row.headers)["traceparent"])
            for row in rows
            if json.loads(row.payload)["from_status"] is not None
        ]
        # each change is announced in the trace of the result that caused it
        assert [(k, s, t.split("-")[1]) for k, s, t in announced] == [
            (a, "pended_auth", traces[1]),
            (a, "accepted", traces[4]),
            (b, "rejected", traces[5]),
        ]


def code_review(claim_id: str, clock: Any) -> ClaimCodeReviewCompleted:
    return ClaimCodeReviewCompleted(
        claim_id=claim_id, tenant_id="tenant-a", findings=[], reviewed_at=clock()
    )


def auth_check(claim_id: str, clock: Any, *statuses: str) -> ClaimAuthorizationCheckCompleted:
    return ClaimAuthorizationCheckCompleted(
        claim_id=claim_id,
        tenant_id="tenant-a",
        lines=[
            LineAuthorization(line=number, status=status)  # type: ignore[arg-type]
            for number, status in enumerate(statuses, start=1)
        ],
        checked_at=clock(),
    )
