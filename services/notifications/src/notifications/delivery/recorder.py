"""Write a batch of attempts in one transaction: delivery states, the log, failure runs.

A subscription whose deliveries keep failing for good (or that answers 410 Gone) is disabled
here, in the transaction that records the failure that tipped it, together with its event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts.notifications import DisableReason
from notifications.delivery.progress import Progress, failure_tallies
from notifications.delivery.repository import DeliveryRepository
from notifications.delivery.retry import should_disable
from notifications.subscriptions import service as subscriptions
from notifications.subscriptions.repository import SubscriptionRepository


async def record_batch(
    *, session: AsyncSession, batch: Sequence[Progress], now: datetime, disable_after: int
) -> list[uuid.UUID]:
    """Record ``batch``; return the ids of the subscriptions this disabled."""
    deliveries = DeliveryRepository(session)
    written = await deliveries.record(batch)
    ended = [p for p in batch if p.delivery_id in written and p.final_status is not None]
    return await _disable_failing(session, ended, now=now, threshold=disable_after)


async def _disable_failing(
    session: AsyncSession, ended: Sequence[Progress], *, now: datetime, threshold: int
) -> list[uuid.UUID]:
    """Update failure runs after ``ended`` deliveries; disable the subscriptions past the bound."""
    if not ended:
        return []
    last = {p.subscription_id: p for p in ended}
    changed = await SubscriptionRepository(session).tally(failure_tallies(ended))
    disabled = []
    for run in changed:
        final = last[run.subscription_id]
        if not run.enabled or not should_disable(
            consecutive_failures=run.consecutive_failures,
            last_outcome=final.result,
            threshold=threshold,
        ):
            continue
        gone = final.result.status_code == 410
        reason: DisableReason = "gone" if gone else "consecutive_failures"
        if await subscriptions.disable_failing(
            session=session,
            subscription_id=run.subscription_id,
            tenant_id=run.tenant_id,
            reason=reason,
            consecutive_failures=run.consecutive_failures,
            last_status_code=final.result.status_code,
            now=now,
        ):
            disabled.append(run.subscription_id)
    return disabled
