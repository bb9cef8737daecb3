"""Creating deliveries from events, and the redeliveries a tenant asks for."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import Conflict, NotFound
from claimflow_shared.events import Envelope, Event
from notifications.delivery.matching import matches_any
from notifications.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from notifications.delivery.payload import webhook_body
from notifications.delivery.repository import DeliveryRepository
from notifications.subscriptions import service as subscriptions


@dataclass(frozen=True, slots=True)
class Announcement:
    """An event to deliver to the subscriptions that want it, in the trace it goes with."""

    envelope: Envelope
    event: Event
    traceparent: str | None


async def fan_out_many(
    *, session: AsyncSession, announcements: Sequence[Announcement], now: datetime
) -> list[int]:
    """Fan out several events: one read of their tenants' subscriptions, one insert of every
    delivery; return how many deliveries each event got."""
    tenants = [_tenant_of(a.event) for a in announcements]
    wanting = await subscriptions.wanting_of(
        session=session, tenant_ids={t for t in tenants if t is not None}
    )
    rows, created = [], []
    for announcement, tenant_id in zip(announcements, tenants, strict=True):
        envelope = announcement.envelope
        targets = [
            sid
            for sid, patterns in wanting.get(tenant_id or "", ())
            if matches_any(patterns, envelope.type)
        ]
        created.append(len(targets))
        if not targets:
            continue
        body = webhook_body(envelope, announcement.event)
        rows += [
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "subscription_id": subscription_id,
                "event_id": envelope.id,
                "event_type": envelope.type,
                "subject": envelope.subject,
                "payload": body,
                "traceparent": announcement.traceparent,
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
                "retry_base": 0,
                "next_attempt_at": now,
            }
            for subscription_id in targets
        ]
    await DeliveryRepository(session).add_many(rows)
    return created


def _tenant_of(event: Event) -> str | None:
    """The tenant an event belongs to (None for one that names none)."""
    tenant_id = getattr(event, "tenant_id", None)
    return tenant_id if isinstance(tenant_id, str) else None


async def get(
    *, session: AsyncSession, principal: Principal, delivery_id: uuid.UUID
) -> tuple[Delivery, list[DeliveryAttempt]]:
    """A delivery of the caller's tenant with its attempts; 404 for anyone else's."""
    repository = DeliveryRepository(session)
    delivery = await repository.get(delivery_id, tenant_id=principal.tenant_id)
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id}.")
    return delivery, await repository.attempts(delivery.id)


async def list_for_subscription(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    status: DeliveryStatus | None,
    limit: int,
    after: uuid.UUID | None,
) -> list[Delivery]:
    """A subscription's deliveries, newest first, after the ``after`` delivery if given."""
    await subscriptions.get(session=session, principal=principal, subscription_id=subscription_id)
    repository = DeliveryRepository(session)
    cursor = None
    if after is not None:
        cursor = await repository.get(after, tenant_id=principal.tenant_id)
        if cursor is None or cursor.subscription_id != subscription_id:
            raise NotFound(f"No delivery {after} in this subscription.")
    return await repository.list_for_subscription(
        subscription_id, status=status, limit=limit, after=cursor
    )


async def redeliver(
    *, session: AsyncSession, principal: Principal, delivery_id: uuid.UUID, now: datetime
) -> Delivery:
    """Send a finished delivery again (same webhook-id, fresh retry schedule)."""
    repository = DeliveryRepository(session)
    delivery = await repository.get(delivery_id, tenant_id=principal.tenant_id)
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id}.")
    subscription = await subscriptions.get(
        session=session, principal=principal, subscription_id=delivery.subscription_id
    )
    if not subscription.enabled:
        raise Conflict("The subscription is disabled; enable it first.", current_status="disabled")
    if not await repository.redeliver(delivery.id, now=now):
        raise Conflict(
            "The delivery is still scheduled; only finished deliveries are redelivered.",
            current_status=delivery.status,
        )
    await session.refresh(delivery)
    return delivery


async def redeliver_failed(
    *, session: AsyncSession, principal: Principal, subscription_id: uuid.UUID, now: datetime
) -> int:
    """Send every failed delivery of a subscription again; return how many."""
    subscription = await subscriptions.get(
        session=session, principal=principal, subscription_id=subscription_id
    )
    if not subscription.enabled:
        raise Conflict("The subscription is disabled; enable it first.", current_status="disabled")
    return await DeliveryRepository(session).redeliver_failed(subscription.id, now=now)
