"""Every query of the subscriptions table."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.subscriptions.models import Subscription


@dataclass(frozen=True, slots=True)
class FailureTally:
    """How one subscription's run of failed deliveries changes after a batch of outcomes.

    ``reset``: some delivery succeeded, so the run restarts from ``failures`` (the failures
    after the last success); otherwise ``failures`` are added to the run.
    """

    subscription_id: uuid.UUID
    reset: bool
    failures: int


@dataclass(frozen=True, slots=True)
class TalliedRun:
    """A subscription's failure run after a tally, and whether it is still enabled."""

    subscription_id: uuid.UUID
    tenant_id: str
    enabled: bool
    consecutive_failures: int


_TALLY = text(
    """
    UPDATE subscriptions AS s
    SET consecutive_failures = CASE WHEN t.reset THEN t.failures
                                    ELSE s.consecutive_failures + t.failures END
    FROM unnest(CAST(:ids AS uuid[]), CAST(:resets AS boolean[]), CAST(:failures AS integer[]))
         AS t(id, reset, failures)
    WHERE s.id = t.id AND (t.failures > 0 OR s.consecutive_failures <> 0)
    RETURNING s.id, s.tenant_id, s.enabled, s.consecutive_failures
    """
)


class SubscriptionRepository:
    """Reads and writes subscriptions within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, subscription: Subscription) -> None:
        """Stage a new subscription and give it its id."""
        self.session.add(subscription)
        await self.session.flush()

    async def get(
        self, subscription_id: uuid.UUID, *, tenant_id: str, for_update: bool = False
    ) -> Subscription | None:
        """A subscription of ``tenant_id``, optionally row-locked until the transaction ends."""
        query = select(Subscription).where(
            Subscription.id == subscription_id, Subscription.tenant_id == tenant_id
        )
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).first()

    async def list_for_tenant(self, tenant_id: str) -> list[Subscription]:
        """A tenant's subscriptions, oldest first."""
        rows = await self.session.scalars(
            select(Subscription)
            .where(Subscription.tenant_id == tenant_id)
            .order_by(Subscription.created_at, Subscription.id)
        )
        return list(rows.all())

    async def delete(self, subscription: Subscription) -> None:
        """Delete a subscription (its deliveries and their attempts go with it)."""
        await self.session.delete(subscription)
        await self.session.flush()

    async def wanting_of(
        self, tenant_ids: Iterable[str]
    ) -> Sequence[Row[str, uuid.UUID, list[str]]]:
        """The tenant, id and patterns of each enabled subscription of several tenants."""
        ids = sorted(set(tenant_ids))
        if not ids:
            return []
        result = await self.session.execute(
            select(Subscription.tenant_id, Subscription.id, Subscription.event_types).where(
                Subscription.tenant_id.in_(ids), Subscription.enabled.is_(True)
            )
        )
        return result.all()

    async def tally(self, tallies: Sequence[FailureTally]) -> list[TalliedRun]:
        """Apply runs of failures; return each subscription whose run changed."""
        if not tallies:
            return []
        result = await self.session.execute(
            _TALLY,
            {
                "ids": [t.subscription_id for t in tallies],
                "resets": [t.reset for t in tallies],
                "failures": [t.failures for t in tallies],
            },
        )
        return [TalliedRun(*row) for row in result.all()]

    async def disable(self, subscription_id: uuid.UUID, *, reason: str, at: datetime) -> bool:
        """Disable a subscription if it is enabled; whether this call disabled it."""
        result = await self.session.execute(
            update(Subscription)
            .where(Subscription.id == subscription_id, Subscription.enabled.is_(True))
            .values(enabled=False, disabled_reason=reason, disabled_at=at)
            .returning(Subscription.id)
        )
        return result.first() is not None
