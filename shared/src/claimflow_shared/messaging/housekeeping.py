"""Forget what the messaging tables no longer need: old inbox ids, outbox rows kept for replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from opentelemetry.instrumentation.utils import suppress_instrumentation

from claimflow_shared.db import Database
from claimflow_shared.messaging import inbox, outbox
from claimflow_shared.runtime import Runtime
from claimflow_shared.tasks import PeriodicTask

NAME = "platform.housekeeping"


@dataclass(frozen=True)
class Housekeeping:
    """Prunes the inbox and the published outbox rows of one service database.

    The inbox retention must outlast every way an event can come again (a rebalance redelivers
    uncommitted offsets within seconds, a restarted in-process bus replays kept outbox rows), or
    a late repeat would be applied a second time. Unpublished outbox rows are never touched.
    """

    database: Database
    inbox_retention: timedelta
    outbox_keep: timedelta

    async def prune(self) -> int:
        """Delete in one transaction; return how many rows went."""
        with suppress_instrumentation():
            async with self.database.session() as session:
                forgotten = await inbox.prune(session, older_than=self.inbox_retention)
                expired = await outbox.prune_published(session, older_than=self.outbox_keep)
        return forgotten + expired


def housekeeping_task(runtime: Runtime) -> PeriodicTask:
    """The worker task pruning the runtime's messaging tables every ``housekeeping_seconds``."""
    settings = runtime.settings
    keeper = Housekeeping(
        database=runtime.database,
        inbox_retention=timedelta(days=settings.inbox_retention_days),
        outbox_keep=timedelta(hours=settings.outbox_keep_hours),
    )
    return PeriodicTask(
        name=NAME,
        tracer=runtime.telemetry.tracer,
        interval=settings.housekeeping_seconds,
        tick=keeper.prune,
    )
