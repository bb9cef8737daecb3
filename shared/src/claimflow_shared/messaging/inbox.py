"""Processed-event ids, recorded in the transaction of the effect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, func
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
        insert(InboxRecord)
        .values([{"consumer": consumer, "event_id": i, "event_type": t} for i, t in unique.items()])
        .on_conflict_do_nothing()
        .returning(InboxRecord.event_id)
    )
    return set(result.scalars())


async def prune(session: AsyncSession, *, older_than: timedelta) -> int:
    """Forget ids older than ``older_than`` (longer than the longest redelivery window)."""
    result = await session.execute(
        delete(InboxRecord).where(InboxRecord.processed_at < func.now() - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
