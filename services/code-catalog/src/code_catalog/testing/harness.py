"""Types of the database-test fixtures and small helpers the tests share."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import text

from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.db import Database
from claimflow_shared.events import Envelope, Event
from claimflow_shared.messaging import outbox
from claimflow_shared.runtime import build_runtime
from claimflow_shared.worker import Worker
from code_catalog.consumers import WarmConsumer
from code_catalog.definition import DEFINITION
from code_catalog.imports.service import ImportOutcome
from code_catalog.review.cache import CatalogCache

Importer = Callable[..., Awaitable[ImportOutcome]]
KeyMaker = Callable[..., Awaitable[str]]


async def scalar(database: Database, sql: str, **params: Any) -> Any:
    """One value from the test database."""
    async with database.session() as session:
        return await session.scalar(text(sql), params)


async def rows(database: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Every row of a query on the test database."""
    async with database.session() as session:
        return [tuple(row) for row in (await session.execute(text(sql), params)).all()]


def derive_csv(
    source: Path,
    out: Path,
    *,
    keep: Callable[[dict[str, str]], bool],
    changes: Mapping[str, Mapping[str, str]] = {},
    key: str = "HCPC",
) -> Path:
    """Copy the rows of a CSV that ``keep`` accepts, changing cells of rows by their key."""
    with source.open(encoding="latin-1", newline="") as stream:
        reader = csv.DictReader(stream)
        header = list(reader.fieldnames or ())
        kept = [{**row, **changes.get(row[key], {})} for row in reader if keep(row)]
    with out.open("w", encoding="latin-1", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header)
        writer.writeheader()
        writer.writerows(kept)
    return out


class RunningWorker:
    """The code-catalog worker (review and refresh consumers, outbox relay) on an in-process
    bus, for tests that go through the consumers."""

    def __init__(self, database_url: str) -> None:
        settings = DEFINITION.settings_type(
            database_url=database_url, bus="memory", outbox_poll_seconds=0.02
        )
        self.bus = MemoryBus(partitions=2)
        self.runtime = build_runtime(DEFINITION, settings, bus=self.bus)
        self.worker = Worker.for_service(DEFINITION, self.runtime)
        self._task: asyncio.Task[None] | None = None

    @property
    def cache(self) -> CatalogCache:
        """The review tables this worker holds."""
        return next(c.cache for c in self.worker.consumers if isinstance(c, WarmConsumer))

    async def __aenter__(self) -> RunningWorker:
        await self.bus.start()
        self._task = asyncio.create_task(self.worker.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.bus.stop()
        await self.runtime.close()

    async def submit(self, event: Event) -> None:
        """Publish an event as its producer would: through an outbox row the relay moves."""
        async with self.runtime.database.session() as session:
            outbox.publish(session, event)
        self.worker.relay.wake()

    async def events(self, topic: str) -> list[Event]:
        """Every event on a topic so far."""
        messages = await self.bus.read_all(topic)
        return [
            Envelope.from_message(key=m.key, value=m.value, headers=m.headers).event()
            for m in messages
        ]

    async def wait_for(self, topic: str, match: Callable[[Event], bool]) -> Event:
        """The first event on a topic that matches, waiting for it (within the test's timeout)."""
        while True:
            for event in await self.events(topic):
                if match(event):
                    return event
            await asyncio.sleep(0.02)
