"""Concurrency bounds: per subscription, per host and global."""

from __future__ import annotations

import asyncio

import pytest

from notifications.delivery.concurrency import DeliveryLimiter, KeyedLimit
from notifications.delivery.testing import until


class Attempts:
    """Attempts that enter their slot, record it, and stay until released."""

    def __init__(self, limiter: DeliveryLimiter) -> None:
        self._limiter = limiter
        self.running: list[str] = []
        self.release = asyncio.Event()

    async def run(self, name: str, *, subscription_id: str, host: str = "a.example") -> None:
        """Hold a slot under ``name`` until released."""
        async with self._limiter.slot(subscription_id=subscription_id, host=host):
            self.running.append(name)
            await self.release.wait()


class TestKeyedLimit:
    async def test_keys_are_dropped_when_unused(self) -> None:
        limit = KeyedLimit(1)
        async with limit.hold("a"), limit.hold("b"):
            assert len(limit) == 2
        assert len(limit) == 0

    async def test_waiters_are_counted(self) -> None:
        limit = KeyedLimit(1)
        gate = asyncio.Event()

        async def hold() -> None:
            async with limit.hold("k"):
                await gate.wait()

        tasks = [asyncio.create_task(hold()) for _ in range(3)]
        await until(lambda: limit.waiting("k") == 2)
        gate.set()
        await asyncio.gather(*tasks)
        assert limit.waiting("k") == 0 and len(limit) == 0

    def test_limit_must_be_positive(self) -> None:
        with pytest.raises(ValueError):
            KeyedLimit(0)


class TestDeliveryLimiter:
    async def test_waiting_subscription_leaves_global_slots_to_others(self) -> None:
        attempts = Attempts(DeliveryLimiter(max_concurrency=2, per_subscription=1, per_host=9))
        first = asyncio.create_task(attempts.run("slow-1", subscription_id="slow"))
        second = asyncio.create_task(attempts.run("slow-2", subscription_id="slow"))
        other = asyncio.create_task(attempts.run("fast-1", subscription_id="fast"))
        await until(lambda: len(attempts.running) == 2)
        assert attempts.running == ["slow-1", "fast-1"]
        attempts.release.set()
        await asyncio.gather(first, second, other)
        assert attempts.running == ["slow-1", "fast-1", "slow-2"]

    async def test_host_bound_spans_subscriptions(self) -> None:
        attempts = Attempts(DeliveryLimiter(max_concurrency=9, per_subscription=9, per_host=2))
        tasks = [
            asyncio.create_task(attempts.run(f"s{n}", subscription_id=f"s{n}", host="Same.example"))
            for n in range(3)
        ]
        elsewhere = asyncio.create_task(
            attempts.run("other", subscription_id="s9", host="other.example")
        )
        await until(lambda: len(attempts.running) == 3)
        assert sorted(attempts.running) == ["other", "s0", "s1"]
        attempts.release.set()
        await asyncio.gather(*tasks, elsewhere)
        assert attempts.running[-1] == "s2"

    async def test_global_bound_caps_everything(self) -> None:
        limiter = DeliveryLimiter(max_concurrency=2, per_subscription=9, per_host=9)
        attempts = Attempts(limiter)
        tasks = [
            asyncio.create_task(attempts.run(f"s{n}", subscription_id=f"s{n}", host=f"h{n}"))
            for n in range(4)
        ]
        await until(lambda: len(attempts.running) == 2)
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(attempts.running) == 2
        attempts.release.set()
        await asyncio.gather(*tasks)
        assert len(attempts.running) == 4
