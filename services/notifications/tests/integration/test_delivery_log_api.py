"""The delivery log over HTTP: every attempt of a delivery, a subscription's deliveries by
status, redelivery of one or of every failed one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from claimflow_shared.runtime import build_runtime
from notifications.definition import DEFINITION
from notifications.delivery.bootstrap import open_scheduler
from notifications.delivery.testing import ManualClock, MappedResolver, Receivers, Reply
from notifications.delivery.url_safety import Resolver
from notifications.settings import NotificationsSettings
from notifications.subscriptions.sealing import new_key

Rows = Callable[[], Awaitable[list[dict[str, Any]]]]
Headers = dict[str, dict[str, str]]


class TestDeliveryLog:
    async def test_a_delivery_shows_every_attempt(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, clock: ManualClock, api: httpx.AsyncClient,
        headers: Headers,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(502), Reply(204))
        subscription = await subscribe(receiver.url())
        envelope = await publish(claim_event("claim-0009"))
        async with scheduler() as running:
            await running.run_once()
            first = clock()
            clock.advance(timedelta(seconds=5))
            await running.run_once()
        [row] = await deliveries()

        shown = await api.get(f"/v1/deliveries/{row['id']}", headers=headers["ops"])
        assert shown.status_code == 200
        detail = shown.json()
        assert (detail["status"], detail["attempt_count"], detail["event_id"]) == (
            "succeeded", 2, envelope.id,
        )  # fmt: skip
        assert detail["subscription_id"] == subscription["id"]
        one, two = detail["attempts"]
        assert (one["number"], one["status_code"], one["outcome"]) == (1, 502, "retrying")
        assert one["error"] == "HTTP 502 Bad Gateway" and one["error_kind"] == "http_status"
        assert one["attempted_at"] == first.isoformat().replace("+00:00", "Z")
        assert (two["number"], two["status_code"], two["outcome"], two["error"]) == (
            2, 204, "delivered", None,
        )  # fmt: skip
        assert one["latency_ms"] >= 0 and two["latency_ms"] >= 0

    async def test_deliveries_are_listed_by_status_newest_first_in_pages(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, api: httpx.AsyncClient, headers: Headers,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(204), Reply(204), Reply(410))
        subscription = await subscribe(receiver.url())
        path = f"/v1/subscriptions/{subscription['id']}/deliveries"
        for number in range(5):
            await publish(claim_event(f"claim-{number:04d}"))
        async with scheduler() as running:
            await running.run_once()

        def subjects(page: httpx.Response) -> list[str]:
            return [d["subject"] for d in page.json()["items"]]

        by_status = {
            status: await api.get(path, params={"status": status}, headers=headers["submitter"])
            for status in ("succeeded", "failed", "pending")
        }
        assert [len(subjects(page)) for page in by_status.values()] == [2, 3, 0]
        bogus = await api.get(path, params={"status": "lost"}, headers=headers["submitter"])
        assert bogus.status_code == 422

        seen: list[str] = []
        after = None
        while True:
            params: dict[str, Any] = {"limit": 2} | ({"after": after} if after else {})
            page = await api.get(path, params=params, headers=headers["submitter"])
            seen += subjects(page)
            after = page.json()["next_after"]
            if after is None:
                break
        assert sorted(seen) == [f"claim-{n:04d}" for n in range(5)]
        assert seen[:2] == ["claim-0004", "claim-0003"]

    async def test_another_tenants_delivery_is_not_found(
        self, subscribe: Any, publish: Any, claim_event: Any, deliveries: Rows,
        api: httpx.AsyncClient, headers: Headers,
    ) -> None:  # fmt: skip
        await subscribe("http://127.0.0.1:9/hooks")
        await publish(claim_event())
        [row] = await deliveries()
        path = f"/v1/deliveries/{row['id']}"
        assert (await api.get(path, headers=headers["other"])).status_code == 404
        assert (await api.post(f"{path}/redeliver", headers=headers["other"])).status_code == 404
        assert (await api.get(path, headers=headers["payer"])).status_code == 403


class TestRedelivery:
    async def test_every_failed_delivery_of_a_subscription_goes_out_again(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, api: httpx.AsyncClient, headers: Headers,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(422), Reply(422), Reply(204))
        subscription = await subscribe(receiver.url())
        for number in range(2):
            await publish(claim_event(f"claim-{number:04d}"))
        async with scheduler() as running:
            await running.run_once()
            assert {r["status"] for r in await deliveries()} == {"failed"}
            answer = await api.post(
                f"/v1/subscriptions/{subscription['id']}/redeliver-failed",
                headers=headers["submitter"],
            )
            assert (answer.status_code, answer.json()) == (202, {"redelivered": 2})
            await running.run_once()
        assert {r["status"] for r in await deliveries()} == {"succeeded"}
        by_id: dict[str, int] = {}
        for request in receiver.requests:
            by_id[request.headers["webhook-id"]] = by_id.get(request.headers["webhook-id"], 0) + 1
        assert sorted(by_id.values()) == [2, 2]


class TestUrlSafetyWhenSending:
    @pytest.fixture
    def resolver(self) -> Resolver:
        return MappedResolver({"hooks.example.test": ["93.184.215.14"]})

    async def test_a_host_that_now_resolves_to_a_private_address_is_not_called(
        self, api: httpx.AsyncClient, headers: Headers, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows,
    ) -> None:  # fmt: skip
        created = await api.post(
            "/v1/subscriptions",
            json={"url": "http://hooks.example.test:8080/in", "event_types": ["*"]},
            headers=headers["submitter"],
        )
        assert created.status_code == 201
        await publish(claim_event())
        rebound = MappedResolver({"hooks.example.test": ["10.0.0.7"]})
        async with scheduler(resolver=rebound) as running:
            await running.run_once()
        [row] = await deliveries()
        assert row["status"] == "failed"
        assert "refused destination hooks.example.test: 10.0.0.7 is private" in row["last_error"]


class TestUnreadableSecret:
    async def test_a_secret_sealed_under_a_key_no_longer_configured_fails_without_a_call(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        settings: NotificationsSettings, deliveries: Rows,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(204))
        await subscribe(receiver.url())
        await publish(claim_event())
        rekeyed = settings.model_copy(update={"secret_keys": new_key()})
        runtime = build_runtime(DEFINITION, rekeyed)
        try:
            async with open_scheduler(runtime) as running:
                assert await running.run_once() == 1
        finally:
            await runtime.close()
        [row] = await deliveries()
        assert row["status"] == "failed"
        assert row["last_error"].startswith("the signing secret cannot be opened")
        assert receiver.requests == []
