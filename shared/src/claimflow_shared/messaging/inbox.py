"""Processed-event ids, recorded in the transaction of the effect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, func, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.messaging.models import InboxRecord


async def first_delivery(
    session: AsyncSession, *, consumer: str, event_id: str, event_type: str
) -> bool:
    """Record the event for ``consumer``; False when it was already applied."""
    result = await session.execute(
        insert(InboxRecord)
        .values(consumer=consumer, event_id=event_id, event_type=event_type)
        .on_conflict_do_nothing()
        .returning(InboxRecord.event_id)
    )
    return result.first() is not None


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
    ON CONFLICT DO NOTHING
    RETURNING event_id
    """
)
"""One statement however many events a batch holds (a VALUES list would be a new statement,
compiled and prepared again, for every batch size)."""


async def prune(session: AsyncSession, *, older_than: timedelta) -> int:
    """Forget ids older than ``older_than`` (longer than the longest redelivery window)."""
    result = await session.execute(
        delete(InboxRecord).where(InboxRecord.processed_at < func.now() - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
