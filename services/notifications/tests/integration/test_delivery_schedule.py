"""Deliveries end to end on real loopback receivers: signed attempts, the retry schedule on a
moved clock, a hanging endpoint beside a healthy one, and schedulers stopped part-way."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest

from claimflow_shared.webhooks import SignatureError, verify
from notifications.delivery.testing import ManualClock, Receivers, Reply

Rows = Callable[[], Awaitable[list[dict[str, Any]]]]
Log = Callable[[Any], Awaitable[list[dict[str, Any]]]]
Headers = dict[str, dict[str, str]]


async def settle(condition: Callable[[], Awaitable[bool]], *, within: float = 30.0) -> None:
    """Wait until ``condition`` holds; fail (not measure) if it never does."""
    async with asyncio.timeout(within):
        while not await condition():
            await asyncio.sleep(0.02)


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel a scheduler task as a worker shutdown or crash would, and wait for it."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


class TestSignedDelivery:
    async def test_the_body_is_the_cloudevent_and_the_signature_verifies(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(204))
        subscription = await subscribe(receiver.url())
        envelope = await publish(claim_event("claim-0007"))
        async with scheduler() as running:
            assert await running.run_once() == 1

        [request] = receiver.requests
        verify(request.body, request.headers, subscription["secret"], now=clock())
        with pytest.raises(SignatureError):
            verify(request.body, request.headers, "whsec_" + "QUJD" * 8, now=clock())
        body = orjson.loads(request.body)
        assert (body["id"], body["type"], body["specversion"]) == (
            envelope.id, "claims.claim.status_changed.v1", "1.0",
        )  # fmt: skip
        assert body["data"]["claim_id"] == "claim-0007" and body["data"]["to_status"] == "accepted"
        assert body["time"] == envelope.time.isoformat()
        [row] = await deliveries()
        assert request.headers["webhook-id"] == str(row["id"])
        assert request.headers["webhook-timestamp"] == str(int(clock().timestamp()))
        assert (row["status"], row["attempts"]) == ("succeeded", 1)

    async def test_during_a_rotation_both_secrets_sign_and_afterwards_only_the_new(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, api: httpx.AsyncClient, headers: Headers, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(204))
        subscription = await subscribe(receiver.url())
        old = subscription["secret"]
        rotated = await api.post(
            f"/v1/subscriptions/{subscription['id']}/rotate-secret", headers=headers["submitter"]
        )
        new = rotated.json()["secret"]
        await publish(claim_event("claim-0001"))
        async with scheduler() as running:
            await running.run_once()
            clock.advance(timedelta(hours=24, seconds=1))
            await publish(claim_event("claim-0002"))
            await running.run_once()

        during, after = receiver.requests
        assert len(during.headers["webhook-signature"].split()) == 2
        verify(during.body, during.headers, old, now=clock() - timedelta(hours=24, seconds=1))
        verify(during.body, during.headers, new, now=clock() - timedelta(hours=24, seconds=1))
        verify(after.body, after.headers, new, now=clock())
        with pytest.raises(SignatureError):
            verify(after.body, after.headers, old, now=clock())


class TestRetries:
    async def test_retries_follow_the_schedule(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, attempt_log: Log, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(500), Reply(500), Reply(503), Reply(204))
        await subscribe(receiver.url())
        await publish(claim_event())
        start = clock()
        async with scheduler() as running:
            assert await running.run_once() == 1
            assert (await deliveries())[0]["next_attempt_at"] == start + timedelta(seconds=5)
            clock.advance(timedelta(seconds=4))
            assert await running.run_once() == 0
            clock.advance(timedelta(seconds=1))
            assert await running.run_once() == 1
            second = clock()
            assert (await deliveries())[0]["next_attempt_at"] == second + timedelta(minutes=5)
            clock.advance(timedelta(minutes=5))
            assert await running.run_once() == 1
            third = clock()
            assert (await deliveries())[0]["next_attempt_at"] == third + timedelta(minutes=30)
            clock.advance(timedelta(minutes=30))
            assert await running.run_once() == 1

        [row] = await deliveries()
        assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("succeeded", 4, None)
        log = await attempt_log(row["id"])
        assert [a["status_code"] for a in log] == [500, 500, 503, 204]
        assert [a["outcome"] for a in log] == ["retrying", "retrying", "retrying", "delivered"]
        assert [a["attempted_at"] for a in log] == [start, second, third, clock()]
        assert {r.headers["webhook-id"] for r in receiver.requests} == {str(row["id"])}

    async def test_500_then_200_ends_in_one_successful_delivery_under_one_webhook_id(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, attempt_log: Log, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(500), Reply(200))
        await subscribe(receiver.url())
        await publish(claim_event())
        async with scheduler() as running:
            await running.run_once()
            clock.advance(timedelta(seconds=5))
            await running.run_once()
            clock.advance(timedelta(days=2))
            assert await running.run_once() == 0

        [row] = await deliveries()
        assert (row["status"], row["attempts"]) == ("succeeded", 2)
        assert [a["outcome"] for a in await attempt_log(row["id"])] == ["retrying", "delivered"]
        assert [r.headers["webhook-id"] for r in receiver.requests] == [str(row["id"])] * 2

    async def test_retry_after_is_honoured(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(429, headers={"retry-after": "120"}))
        await subscribe(receiver.url())
        await publish(claim_event())
        async with scheduler() as running:
            await running.run_once()
        assert (await deliveries())[0]["next_attempt_at"] == clock() + timedelta(seconds=120)

    async def test_a_permanent_refusal_fails_at_once_and_is_kept(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, attempt_log: Log,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(400, body=b"missing field"))
        await subscribe(receiver.url())
        await publish(claim_event())
        async with scheduler() as running:
            await running.run_once()
        [row] = await deliveries()
        assert (row["status"], row["next_attempt_at"], row["last_status_code"]) == (
            "failed", None, 400,
        )  # fmt: skip
        [attempt] = await attempt_log(row["id"])
        assert attempt["error"] == "HTTP 400 Bad Request"

    async def test_after_the_last_attempt_it_fails_and_a_redelivery_starts_afresh(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, clock: ManualClock, api: httpx.AsyncClient,
        headers: Headers,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(*[Reply(503)] * 9, Reply(204))
        await subscribe(receiver.url())
        await publish(claim_event())
        async with scheduler() as running:
            for _ in range(8):
                assert await running.run_once() == 1
                clock.advance(timedelta(hours=12))
            assert await running.run_once() == 0
            [row] = await deliveries()
            assert (row["status"], row["attempts"]) == ("failed", 8)

            path = f"/v1/deliveries/{row['id']}/redeliver"
            again = await api.post(path, headers=headers["submitter"])
            assert again.status_code == 202 and again.json()["status"] == "pending"
            assert (await api.post(path, headers=headers["submitter"])).status_code == 409
            await running.run_once()
            assert (await deliveries())[0]["next_attempt_at"] == clock() + timedelta(seconds=5)
            clock.advance(timedelta(seconds=5))
            await running.run_once()

        [row] = await deliveries()
        assert (row["status"], row["attempts"]) == ("succeeded", 10)
        assert {r.headers["webhook-id"] for r in receiver.requests} == {str(row["id"])}


class TestIsolation:
    async def test_a_hanging_endpoint_does_not_hold_back_another_subscription(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows,
    ) -> None:  # fmt: skip
        hanging = await receivers.start(Reply(hang=True))
        healthy = await receivers.start(Reply(204))
        stuck = await subscribe(hanging.url())
        fine = await subscribe(healthy.url())
        for number in range(20):
            await publish(claim_event(f"claim-{number:04d}"))

        async def healthy_done() -> bool:
            rows = [r for r in await deliveries() if str(r["subscription_id"]) == fine["id"]]
            return len(rows) == 20 and all(r["status"] == "succeeded" for r in rows)

        async with scheduler() as running:
            task = asyncio.create_task(running.run())
            await settle(healthy_done)
            await hanging.wait_for_requests(8)
            rows = [r for r in await deliveries() if str(r["subscription_id"]) == stuck["id"]]
            await stop(task)
        assert all(r["status"] == "pending" for r in rows)
        assert sum(r["attempts"] for r in rows) == len(hanging.requests) == 8
        assert len(healthy.requests) == 20


class TestRestarts:
    async def test_a_scheduler_stopped_mid_schedule_loses_nothing(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(500), Reply(204))
        await subscribe(receiver.url())
        await publish(claim_event())
        async with scheduler() as first:
            await first.run_once()
            task = asyncio.create_task(first.run())
            await asyncio.sleep(0.1)
            await stop(task)
        assert (await deliveries())[0]["status"] == "pending"

        clock.advance(timedelta(seconds=5))

        async def delivered() -> bool:
            return (await deliveries())[0]["status"] == "succeeded"

        async with scheduler() as second:
            task = asyncio.create_task(second.run())
            await settle(delivered)
            await stop(task)
        [row] = await deliveries()
        assert [r.headers["webhook-id"] for r in receiver.requests] == [str(row["id"])] * 2

    async def test_a_scheduler_stopped_while_sending_sends_again_under_the_same_webhook_id(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows, attempt_log: Log, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(hang=True), Reply(204))
        await subscribe(receiver.url())
        await publish(claim_event())
        async with scheduler() as first:
            task = asyncio.create_task(first.run())
            await receiver.wait_for_requests(1)
            await stop(task)
        [row] = await deliveries()
        assert (row["status"], row["attempts"]) == ("pending", 1)
        assert row["next_attempt_at"] == clock() + timedelta(minutes=2)
        assert await attempt_log(row["id"]) == []

        async with scheduler() as second:
            assert await second.run_once() == 0
            clock.advance(timedelta(minutes=2))
            assert await second.run_once() == 1

        [row] = await deliveries()
        assert (row["status"], row["attempts"]) == ("succeeded", 2)
        assert [r.headers["webhook-id"] for r in receiver.requests] == [str(row["id"])] * 2
        assert [a["number"] for a in await attempt_log(row["id"])] == [2]


class TestSeveralWorkers:
    async def test_two_schedulers_share_the_table_and_send_each_delivery_once(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, deliveries: Rows,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(204))
        for _ in range(5):
            await subscribe(receiver.url())
        for number in range(40):
            await publish(claim_event(f"claim-{number:04d}"))

        async def all_delivered() -> bool:
            return all(r["status"] == "succeeded" for r in await deliveries())

        async with scheduler() as first, scheduler() as second:
            tasks = [asyncio.create_task(first.run()), asyncio.create_task(second.run())]
            await settle(all_delivered)
            for task in tasks:
                await stop(task)
        rows = await deliveries()
        assert len(rows) == 200 and {r["attempts"] for r in rows} == {1}
        ids = [r.headers["webhook-id"] for r in receiver.requests]
        assert sorted(ids) == sorted(str(r["id"]) for r in rows)
