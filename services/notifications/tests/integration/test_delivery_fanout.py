"""Events become deliveries in the consumer's transaction: one per matching enabled
subscription of the event's tenant, once however often the bus delivers the event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text

from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import AuthorizationOverdue
from claimflow_shared.runtime import Runtime

from .conftest import message_of

Rows = Callable[[], Awaitable[list[dict[str, Any]]]]
Headers = dict[str, dict[str, str]]
URL = "http://127.0.0.1:9/hooks"


class TestFanOut:
    async def test_one_delivery_per_matching_enabled_subscription_of_the_tenant(
        self, subscribe: Any, publish: Any, claim_event: Any, deliveries: Rows,
        api: httpx.AsyncClient, headers: Headers,
    ) -> None:  # fmt: skip
        every = await subscribe(URL, ["claims.claim.*"])
        status_only = await subscribe(URL, ["claims.*.status_changed.v1", "priorauth.*"])
        await subscribe(URL, ["priorauth.authorization.*"])
        paused = await subscribe(URL, ["*"])
        await api.patch(
            f"/v1/subscriptions/{paused['id']}",
            json={"enabled": False},
            headers=headers["submitter"],
        )
        await subscribe(URL, ["*"], holder="other")

        envelope = await publish(claim_event("claim-0042"))
        rows = await deliveries()
        assert sorted(str(r["subscription_id"]) for r in rows) == sorted(
            [every["id"], status_only["id"]]
        )
        assert {(r["event_id"], r["subject"], r["status"], r["tenant_id"]) for r in rows} == {
            (envelope.id, "claim-0042", "pending", "tenant-a")
        }
        assert rows[0]["payload"] == rows[1]["payload"]

    async def test_a_batch_of_both_tenants_events_fans_out_each_in_its_trace(
        self, subscribe: Any, consumer: Any, claim_event: Any, deliveries: Rows
    ) -> None:
        mine = await subscribe(URL, ["claims.claim.*"])
        await subscribe(URL, ["priorauth.*"])
        theirs = await subscribe(URL, ["*"], holder="other")
        events = [
            claim_event("claim-a1"),
            claim_event("claim-b1", tenant_id="tenant-b"),
            claim_event("claim-a2"),
        ]
        envelopes = [Envelope.wrap(e) for e in events]
        parents = [f"00-{i + 1:032x}-{i + 1:016x}-01" for i in range(3)]
        await consumer.handle_batch(
            [
                message_of(envelope, event, extra=[("traceparent", parent.encode())])
                for envelope, event, parent in zip(envelopes, events, parents, strict=True)
            ]
        )
        rows = await deliveries()
        assert sorted((r["subject"], str(r["subscription_id"])) for r in rows) == [
            ("claim-a1", mine["id"]),
            ("claim-a2", mine["id"]),
            ("claim-b1", theirs["id"]),
        ]
        for row in rows:
            [index] = [i for i, e in enumerate(envelopes) if e.id == row["event_id"]]
            assert row["traceparent"].split("-")[1] == parents[index].split("-")[1]

    async def test_an_event_delivered_twice_by_the_bus_makes_its_deliveries_once(
        self, subscribe: Any, publish: Any, claim_event: Any, deliveries: Rows, runtime: Runtime
    ) -> None:
        await subscribe(URL)
        event = claim_event()
        envelope = await publish(event)
        await publish(event, envelope=envelope)
        assert len(await deliveries()) == 1
        async with runtime.database.session() as session:
            inbox = await session.scalar(text("SELECT count(*) FROM inbox"))
        assert inbox == 1

    async def test_prior_auth_deadline_events_reach_their_subscribers(
        self, subscribe: Any, publish: Any, deliveries: Rows
    ) -> None:
        await subscribe(URL, ["priorauth.authorization.*"])
        overdue = AuthorizationOverdue(
            authorization_id="auth-0001",
            tenant_id="tenant-a",
            payer_id="PAYER-1",
            priority="expedited",
            codes=["E0114"],
            status="pending",
            due_at=datetime(2025, 10, 4, 12, 0, tzinfo=UTC),
            detected_at=datetime(2025, 10, 4, 12, 1, tzinfo=UTC),
        )
        await publish(overdue)
        [row] = await deliveries()
        assert (row["event_type"], row["subject"]) == (overdue.type, "auth-0001")

    async def test_an_event_without_subscribers_leaves_nothing_to_send(
        self, publish: Any, claim_event: Any, deliveries: Rows
    ) -> None:
        await publish(claim_event())
        assert await deliveries() == []
