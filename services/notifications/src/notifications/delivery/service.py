"""Creating deliveries from events, and the redeliveries a tenant asks for."""

from __future__ import annotations

import uuid
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


async def fan_out(
    *,
    session: AsyncSession,
    envelope: Envelope,
    event: Event,
    traceparent: str | None,
    now: datetime,
) -> int:
    """Add one delivery of ``event`` per enabled subscription of its tenant that wants it."""
    tenant_id = getattr(event, "tenant_id", None)
    if not isinstance(tenant_id, str):
        return 0
    wanting = await subscriptions.wanting(session=session, tenant_id=tenant_id)
    targets = [sid for sid, patterns in wanting if matches_any(patterns, envelope.type)]
    if not targets:
        return 0
    body = webhook_body(envelope, event)
    await DeliveryRepository(session).add_many(
        [
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "subscription_id": subscription_id,
                "event_id": envelope.id,
                "event_type": envelope.type,
                "subject": envelope.subject,
                "payload": body,
                "traceparent": traceparent,
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
                "retry_base": 0,
                "next_attempt_at": now,
            }
            for subscription_id in targets
        ]
    )
    return len(targets)


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
