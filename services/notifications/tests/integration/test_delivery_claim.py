"""Claiming due deliveries in one statement: shares, order, locks and the lease."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

from claimflow_shared.runtime import Runtime
from notifications.delivery.progress import ClaimedDelivery
from notifications.delivery.repository import DeliveryRepository
from notifications.delivery.testing import ManualClock, Receivers

LEASE = timedelta(minutes=2)


async def claim(
    runtime: Runtime, clock: ManualClock, *, in_flight: dict[uuid.UUID, int], limit: int = 100
) -> list[ClaimedDelivery]:
    """Claim with a share of 8 and commit."""
    now = clock()
    async with runtime.database.session() as session:
        return await DeliveryRepository(session).claim(
            now=now, until=now + LEASE, limit=limit, scan=2 * limit, share=8, in_flight=in_flight
        )


class TestShares:
    async def test_each_subscription_gets_the_room_its_in_flight_deliveries_leave(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        runtime: Runtime, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start()
        partly, full, idle = [await subscribe(receiver.url(f"/{n}")) for n in range(3)]
        for number in range(10):
            await publish(claim_event(f"claim-{number:04d}"))
        in_flight = {uuid.UUID(partly["id"]): 3, uuid.UUID(full["id"]): 8}

        claimed = await claim(runtime, clock, in_flight=in_flight)

        counts = Counter(str(delivery.subscription_id) for delivery in claimed)
        assert counts == {partly["id"]: 5, idle["id"]: 8}
        assert {delivery.attempt for delivery in claimed} == {1}

    async def test_the_limit_takes_the_oldest_due_first(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        runtime: Runtime, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start()
        await subscribe(receiver.url())
        for number in range(6):
            await publish(claim_event(f"claim-{number:04d}"))
            clock.advance(timedelta(seconds=1))

        claimed = await claim(runtime, clock, in_flight={}, limit=4)

        assert {d.subject for d in claimed} == {f"claim-{n:04d}" for n in range(4)}


class TestLease:
    async def test_claimed_deliveries_are_hidden_until_the_lease_ends(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        runtime: Runtime, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start()
        await subscribe(receiver.url())
        await publish(claim_event())
        [first] = await claim(runtime, clock, in_flight={})

        assert await claim(runtime, clock, in_flight={}) == []
        clock.advance(LEASE + timedelta(seconds=1))
        [again] = await claim(runtime, clock, in_flight={})
        assert (again.id, again.attempt) == (first.id, 2)
