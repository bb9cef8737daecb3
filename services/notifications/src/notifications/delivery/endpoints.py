"""HTTP routes of the delivery log: list, inspect and redeliver."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Conflict, Forbidden, NotFound, error_responses
from notifications.delivery import service
from notifications.delivery.models import DeliveryStatus
from notifications.delivery.schemas import DeliveryDetail, DeliveryOut, DeliveryPage, Redelivered
from notifications.dependencies import SettingsDep, subscriber

router = APIRouter(
    prefix="/v1",
    tags=["deliveries"],
    dependencies=[subscriber],
    responses=error_responses(Forbidden),
)


@router.get("/subscriptions/{subscription_id}/deliveries", responses=error_responses(NotFound))
async def list_deliveries(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: uuid.UUID | None = None,
) -> DeliveryPage:
    """A subscription's deliveries, newest first, optionally of one status."""
    deliveries = await service.list_for_subscription(
        session=session,
        principal=principal,
        subscription_id=subscription_id,
        status=status,
        limit=limit,
        after=after,
    )
    next_after = deliveries[-1].id if len(deliveries) == limit else None
    return DeliveryPage(items=[DeliveryOut.of(d) for d in deliveries], next_after=next_after)


@router.post(
    "/subscriptions/{subscription_id}/redeliver-failed",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(NotFound, Conflict),
)
async def redeliver_failed(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> Redelivered:
    """Send every failed delivery of a subscription again."""
    count = await service.redeliver_failed(
        session=session, principal=principal, subscription_id=subscription_id, now=settings.clock()
    )
    return Redelivered(redelivered=count)


@router.get("/deliveries/{delivery_id}", responses=error_responses(NotFound))
async def get_delivery(
    delivery_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> DeliveryDetail:
    """A delivery with every attempt: when, status code, latency, error."""
    delivery, attempts = await service.get(
        session=session, principal=principal, delivery_id=delivery_id
    )
    return DeliveryDetail.with_attempts(delivery, attempts)


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(NotFound, Conflict),
)
async def redeliver(
    delivery_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> DeliveryOut:
    """Send a finished delivery again, under the same webhook-id."""
    delivery = await service.redeliver(
        session=session, principal=principal, delivery_id=delivery_id, now=settings.clock()
    )
    return DeliveryOut.of(delivery)
