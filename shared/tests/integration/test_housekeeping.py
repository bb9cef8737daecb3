"""The worker's housekeeping forgets old inbox ids and expired kept outbox rows, nothing else."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.db import Database, PlatformBase
from claimflow_shared.events.contracts import ClaimStatusChanged
from claimflow_shared.messaging import inbox, outbox
from claimflow_shared.messaging.housekeeping import NAME, housekeeping_task
from claimflow_shared.messaging.models import InboxRecord, OutboxRecord
from claimflow_shared.runtime import Runtime, ServiceDefinition
from claimflow_shared.settings import ServiceSettings
from claimflow_shared.telemetry import setup_telemetry
from claimflow_shared.worker import Worker

NOW = datetime.now(UTC)


def status_event() -> ClaimStatusChanged:
    return ClaimStatusChanged(
        claim_id="c-1",
        tenant_id="t",
        from_status=None,
        to_status="received",
        reason="test",
        changed_at=NOW,
    )


def runtime(database: Database, **settings: Any) -> Runtime:
    return Runtime(
        settings=ServiceSettings(database_url="postgresql+asyncpg://unused/x", **settings),
        database=database,
        bus=MemoryBus(),
        telemetry=setup_telemetry("housekeeping-test"),
    )


async def remember(database: Database, event_id: str, processed: datetime) -> None:
    async with database.session() as session:
        await inbox.first_delivery(session, consumer="c", event_id=event_id, event_type="t")
        await session.execute(
            update(InboxRecord)
            .where(InboxRecord.event_id == event_id)
            .values(processed_at=processed)
        )


async def write_outbox(database: Database, published: datetime | None, created: datetime) -> str:
    async with database.session() as session:
        envelope = outbox.publish(session, status_event())
    async with database.session() as session:
        await session.execute(
            update(OutboxRecord)
            .where(OutboxRecord.event_id == envelope.id)
            .values(published_at=published, created_at=created)
        )
    return envelope.id


class TestHousekeeping:
    async def test_old_inbox_ids_and_expired_kept_rows_go_unpublished_rows_stay(
        self, platform_db: Database
    ) -> None:
        await remember(platform_db, "old", NOW - timedelta(days=8))
        await remember(platform_db, "recent", NOW - timedelta(days=6))
        expired = await write_outbox(
            platform_db, NOW - timedelta(hours=2), NOW - timedelta(hours=2)
        )
        kept = await write_outbox(
            platform_db, NOW - timedelta(minutes=30), NOW - timedelta(hours=1)
        )
        waiting = await write_outbox(platform_db, None, NOW - timedelta(days=30))
        task = housekeeping_task(runtime(platform_db))

        assert await task.run_once() == 2

        async with platform_db.session() as session:
            remembered = (await session.scalars(select(InboxRecord.event_id))).all()
            left = (await session.scalars(select(OutboxRecord.event_id))).all()
        assert remembered == ["recent"]
        assert sorted(left) == sorted([kept, waiting])
        assert expired not in left
        assert await task.run_once() == 0

    async def test_the_retention_settings_decide_what_is_old(self, platform_db: Database) -> None:
        await remember(platform_db, "two-days", NOW - timedelta(days=2))
        await write_outbox(platform_db, NOW - timedelta(minutes=20), NOW - timedelta(minutes=20))
        task = housekeeping_task(
            runtime(platform_db, inbox_retention_days=1, outbox_keep_hours=0.25)
        )
        assert await task.run_once() == 2

    def test_an_inbox_shorter_than_the_replay_window_is_refused(self) -> None:
        with pytest.raises(ValueError, match="inbox_retention_days"):
            ServiceSettings(inbox_retention_days=0.01, outbox_keep_hours=1)

    def test_every_worker_runs_housekeeping(self, platform_db: Database) -> None:
        definition = ServiceDefinition(
            name="housekeeping-test",
            settings_type=ServiceSettings,
            routers=[],
            consumers=lambda _: [],
            metadata=PlatformBase.metadata,
            migrations=Path("."),
        )
        worker = Worker.for_service(definition, runtime(platform_db, housekeeping_seconds=60))
        assert [task.name for task in worker.tasks] == [NAME]
