"""Processed-event ids, recorded in the transaction of the effect.

Recording them is the first statement of every consumer transaction, and it also makes the
rest of the transaction plan each statement for its parameters and the tables as they are now
(``plan_cache_mode``), without a round trip of its own. PostgreSQL's default switches a
prepared statement to a generic plan after five executions and keeps it for the connection's
life: the review join's update, planned that way while the claims table was nearly empty, went
on scanning it whole once it held tens of thousands of claims (ADR 24).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, func, text
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.messaging.models import InboxRecord


async def first_delivery(
    session: AsyncSession, *, consumer: str, event_id: str, event_type: str
) -> bool:
    """Record the event for ``consumer``; False when it was already applied."""
    fresh = await first_deliveries(session, consumer=consumer, events=[(event_id, event_type)])
    return event_id in fresh


async def first_deliveries(
    session: AsyncSession, *, consumer: str, events: Sequence[tuple[str, str]]
) -> set[str]:
    """Record many ``(event_id, event_type)`` at once; return the ids not applied before."""
    if not events:
        return set()
    unique = dict(events)
    result = await session.execute(
        _FIRST_DELIVERIES,
        {"consumer": consumer, "ids": list(unique), "types": list(unique.values())},
    )
    return set(result.scalars())


_FIRST_DELIVERIES = text(
    """
    INSERT INTO inbox (consumer, event_id, event_type)
    SELECT :consumer, e.id, e.type
    FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[])) AS e(id, type)
    WHERE (SELECT set_config('plan_cache_mode', 'force_custom_plan', true)) IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING event_id
    """
)
"""One statement however many events a batch holds (a VALUES list would be a new statement,
compiled and prepared again, for every batch size). The setting is made once per execution
(a subquery, evaluated once) and holds until the transaction ends."""


async def prune(session: AsyncSession, *, older_than: timedelta) -> int:
    """Forget ids older than ``older_than`` (longer than the longest redelivery window)."""
    result = await session.execute(
        delete(InboxRecord).where(InboxRecord.processed_at < func.now() - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
