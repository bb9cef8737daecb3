"""A poison event lands in the dead-letter topic, the consumer goes on, a replay applies it once."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import text
from typer.testing import CliRunner

from claimflow.cli import app as cli
from claimflow_shared.bus import Message
from claimflow_shared.bus.kafka import KafkaBus
from claimflow_shared.db import Database
from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import ClaimStatusChanged
from claimflow_shared.messaging.consumer import EventConsumer, HandlerContext
from claimflow_shared.messaging.dead_letters import list_dead_letters, replay

pytestmark = pytest.mark.kafka


def status_event(claim_id: str) -> Envelope:
    return Envelope.wrap(
        ClaimStatusChanged(
            claim_id=claim_id,
            tenant_id="t",
            from_status=None,
            to_status="received",
            reason="x",
            changed_at=datetime.now(UTC),
        )
    )


async def applied(database: Database) -> list[str]:
    async with database.session() as session:
        return list((await session.scalars(text("SELECT note FROM effects ORDER BY note"))).all())


async def wait_until(probe, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not await probe():
            await asyncio.sleep(0.1)


class TestDeadLetters:
    async def test_poison_is_parked_then_replayed_once_after_the_fix(
        self, kafka_bootstrap: str, platform_db: Database, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        namespace = f"t{uuid.uuid4().hex[:8]}."
        bus = KafkaBus(bootstrap_servers=kafka_bootstrap, client_id="t", namespace=namespace)
        await bus.ensure_topics(["claims.events", "claims.events.dlq"])
        fixed = False

        async def handler(ctx: HandlerContext, event: ClaimStatusChanged) -> None:
            if event.claim_id == "poison" and not fixed:
                raise ValueError("payer POISON is not configured")
            await ctx.session.execute(
                text("INSERT INTO effects VALUES (:i, :n)"),
                {"i": ctx.envelope.id, "n": event.claim_id},
            )

        consumer = EventConsumer(
            name="dlq.test",
            database=platform_db,
            bus=bus,
            tracer=TracerProvider().get_tracer("t"),
            handlers={ClaimStatusChanged.type: handler},
            topics=["claims.events"],
            max_attempts=3,
            backoff=0.01,
        )
        running = asyncio.create_task(consumer.run())
        poison = status_event("poison")
        envelopes = [poison, status_event("after")]
        await bus.publish(
            [
                Message(
                    topic="claims.events", key=e.key.encode(), value=e.data, headers=e.headers()
                )
                for e in envelopes
            ]
        )

        async def after_applied() -> bool:
            return "after" in await applied(platform_db)

        async def parked() -> bool:
            return bool(await list_dead_letters(bus, "claims.events"))

        await wait_until(after_applied)
        await wait_until(parked)
        [letter] = await list_dead_letters(bus, "claims.events")
        assert letter.event_id == poison.id and letter.consumer == "dlq.test"
        assert "POISON" in letter.error

        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
        monkeypatch.setenv("KAFKA_NAMESPACE", namespace)
        listed = await asyncio.to_thread(CliRunner().invoke, cli, ["dlq", "list", "claims.events"])
        assert (
            listed.exit_code == 0
            and poison.id in listed.output
            and "1 dead letters" in listed.output
        )

        fixed = True
        assert await replay(bus, [letter]) == 1
        assert await replay(bus, [letter]) == 1

        async def poison_applied() -> bool:
            return "poison" in await applied(platform_db)

        await wait_until(poison_applied)
        await asyncio.sleep(1)
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await bus.stop()
        assert await applied(platform_db) == ["after", "poison"]
