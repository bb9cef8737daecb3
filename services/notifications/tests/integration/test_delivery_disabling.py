"""A subscription whose endpoint keeps failing is disabled, with an event; its other deliveries
wait, and go out once the tenant enables it again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import text

from claimflow_shared.runtime import Runtime
from notifications.delivery.testing import ManualClock, Receivers, Reply
from notifications.settings import NotificationsSettings

Rows = Callable[[], Awaitable[list[dict[str, Any]]]]
Headers = dict[str, dict[str, str]]


async def disabled_events(runtime: Runtime) -> list[dict[str, Any]]:
    """The SubscriptionDisabled events waiting in the outbox."""
    async with runtime.database.session() as session:
        payloads = await session.scalars(
            text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
            {"t": "notifications.subscription.disabled.v1"},
        )
        return [orjson.loads(p) for p in payloads]


class TestGone:
    async def test_a_410_disables_at_once_and_holds_back_the_rest_until_enabled(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, clock: ManualClock, runtime: Runtime,
        api: httpx.AsyncClient, headers: Headers,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(500), Reply(410), Reply(204))
        subscription = await subscribe(receiver.url())
        path = f"/v1/subscriptions/{subscription['id']}"
        await publish(claim_event("claim-0001"))
        async with scheduler() as running:
            await running.run_once()
            await publish(claim_event("claim-0002"))
            await running.run_once()

            shown = (await api.get(path, headers=headers["submitter"])).json()
            assert (shown["enabled"], shown["disabled_reason"]) == (False, "gone")
            first, second = await deliveries()
            assert (first["status"], second["status"]) == ("paused", "failed")
            [event] = await disabled_events(runtime)
            assert (event["subscription_id"], event["reason"], event["last_status_code"]) == (
                subscription["id"], "gone", 410,
            )  # fmt: skip
            await publish(claim_event("claim-0003"))
            assert len(await deliveries()) == 2

            clock.advance(timedelta(hours=1))
            assert await running.run_once() == 0
            await api.patch(path, json={"enabled": True}, headers=headers["submitter"])
            assert await running.run_once() == 1
        first, _ = await deliveries()
        assert first["status"] == "succeeded"


class TestConsecutiveFailures:
    @pytest.fixture
    def settings(self, database_url: str, clock: ManualClock) -> NotificationsSettings:
        return NotificationsSettings(
            database_url=database_url,
            bus="memory",
            environment="test",
            clock=clock,
            disable_after_failures=3,
        )

    async def test_the_threshold_of_failed_deliveries_disables_and_a_success_resets_the_run(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, runtime: Runtime, api: httpx.AsyncClient, headers: Headers,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(
            Reply(400), Reply(400), Reply(204), Reply(400), Reply(400), Reply(400)
        )
        subscription = await subscribe(receiver.url())
        path = f"/v1/subscriptions/{subscription['id']}"

        async def one(claim_id: str) -> dict[str, Any]:
            await publish(claim_event(claim_id))
            await running.run_once()
            shown: dict[str, Any] = (await api.get(path, headers=headers["submitter"])).json()
            return shown

        async with scheduler() as running:
            runs = [(await one(f"claim-{n:04d}"))["consecutive_failures"] for n in range(5)]
            last = await one("claim-0005")
        assert runs == [1, 2, 0, 1, 2]
        assert (last["enabled"], last["disabled_reason"]) == (False, "consecutive_failures")
        [event] = await disabled_events(runtime)
        assert (event["reason"], event["consecutive_failures"]) == ("consecutive_failures", 3)
