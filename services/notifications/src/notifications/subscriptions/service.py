"""Managing subscriptions: create, change, delete, rotate the secret, disable and enable."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import NotFound
from claimflow_shared.events.contracts import SubscriptionDisabled
from claimflow_shared.events.contracts.notifications import DisableReason
from claimflow_shared.messaging import outbox
from claimflow_shared.webhooks import generate_secret
from notifications.delivery.repository import DeliveryRepository
from notifications.delivery.url_safety import Resolver, UrlPolicy, system_resolver
from notifications.subscriptions.models import Subscription
from notifications.subscriptions.repository import SubscriptionRepository
from notifications.subscriptions.schemas import SubscriptionIn, SubscriptionPatch
from notifications.subscriptions.sealing import SecretBox
from notifications.subscriptions.urls import validate_target


async def create(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_in: SubscriptionIn,
    policy: UrlPolicy,
    box: SecretBox,
    now: datetime,
    resolver: Resolver = system_resolver,
) -> tuple[Subscription, str]:
    """Store a subscription for the caller's tenant; return it with its new signing secret."""
    url = await validate_target(subscription_in.url, policy=policy, resolver=resolver)
    subscription_id = uuid.uuid4()
    secret = generate_secret()
    subscription = Subscription(
        id=subscription_id,
        tenant_id=principal.tenant_id,
        url=url,
        event_types=subscription_in.event_types,
        description=subscription_in.description,
        enabled=subscription_in.enabled,
        disabled_at=None if subscription_in.enabled else now,
        disabled_reason=None if subscription_in.enabled else "by_tenant",
        consecutive_failures=0,
        secret_sealed=box.seal(secret, context=subscription_id.bytes),
    )
    await SubscriptionRepository(session).add(subscription)
    return subscription, secret


async def get(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    for_update: bool = False,
) -> Subscription:
    """A subscription of the caller's tenant; 404 for anyone else's."""
    subscription = await SubscriptionRepository(session).get(
        subscription_id, tenant_id=principal.tenant_id, for_update=for_update
    )
    if subscription is None:
        raise NotFound(f"No subscription {subscription_id}.")
    return subscription


async def list_all(*, session: AsyncSession, principal: Principal) -> list[Subscription]:
    """The caller's tenant's subscriptions."""
    return await SubscriptionRepository(session).list_for_tenant(principal.tenant_id)


async def update(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    patch: SubscriptionPatch,
    policy: UrlPolicy,
    now: datetime,
    resolver: Resolver = system_resolver,
) -> Subscription:
    """Change a subscription; enabling resumes its held-back deliveries, disabling holds them."""
    subscription = await get(
        session=session, principal=principal, subscription_id=subscription_id, for_update=True
    )
    if patch.url is not None:
        subscription.url = await validate_target(patch.url, policy=policy, resolver=resolver)
    if patch.event_types is not None:
        subscription.event_types = patch.event_types
    if "description" in patch.model_fields_set:
        subscription.description = patch.description
    if patch.enabled is True and not subscription.enabled:
        await _enable(session, subscription, now=now)
    elif patch.enabled is False and subscription.enabled:
        await _disable(session, subscription, reason="by_tenant", now=now)
    await session.flush()
    await session.refresh(subscription)
    return subscription


async def delete(
    *, session: AsyncSession, principal: Principal, subscription_id: uuid.UUID
) -> None:
    """Delete a subscription with its deliveries and their log."""
    subscription = await get(session=session, principal=principal, subscription_id=subscription_id)
    await SubscriptionRepository(session).delete(subscription)


async def rotate_secret(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    box: SecretBox,
    overlap: timedelta,
    now: datetime,
) -> tuple[Subscription, str]:
    """Give a subscription a new secret; the current one keeps signing for ``overlap``."""
    subscription = await get(
        session=session, principal=principal, subscription_id=subscription_id, for_update=True
    )
    secret = generate_secret()
    keep_previous = overlap > timedelta(0)
    subscription.previous_secret_sealed = subscription.secret_sealed if keep_previous else None
    subscription.previous_secret_expires_at = now + overlap if keep_previous else None
    subscription.secret_sealed = box.seal(secret, context=subscription.id.bytes)
    subscription.secret_rotated_at = now
    await session.flush()
    await session.refresh(subscription)
    return subscription, secret


async def wanting_of(
    *, session: AsyncSession, tenant_ids: Iterable[str]
) -> dict[str, list[tuple[uuid.UUID, list[str]]]]:
    """The id and event-type patterns of each enabled subscription of several tenants, by
    tenant (a tenant without any is left out)."""
    found: dict[str, list[tuple[uuid.UUID, list[str]]]] = {}
    for tenant_id, subscription_id, patterns in await SubscriptionRepository(session).wanting_of(
        tenant_ids
    ):
        found.setdefault(tenant_id, []).append((subscription_id, patterns))
    return found


async def disable_failing(
    *,
    session: AsyncSession,
    subscription_id: uuid.UUID,
    tenant_id: str,
    reason: DisableReason,
    consecutive_failures: int,
    last_status_code: int | None,
    now: datetime,
) -> bool:
    """Disable a subscription whose endpoint keeps failing, hold back its deliveries, and say
    so with an event; whether this call disabled it (another worker may have got there first)."""
    if not await SubscriptionRepository(session).disable(subscription_id, reason=reason, at=now):
        return False
    await DeliveryRepository(session).pause(subscription_id)
    outbox.publish(
        session,
        SubscriptionDisabled(
            subscription_id=str(subscription_id),
            tenant_id=tenant_id,
            reason=reason,
            consecutive_failures=consecutive_failures,
            last_status_code=last_status_code,
            disabled_at=now,
        ),
    )
    return True


async def _enable(session: AsyncSession, subscription: Subscription, *, now: datetime) -> None:
    """Enable a subscription, start its failure run afresh, and resume its deliveries."""
    subscription.enabled = True
    subscription.disabled_reason = None
    subscription.disabled_at = None
    subscription.consecutive_failures = 0
    await DeliveryRepository(session).resume(subscription.id, now=now)


async def _disable(
    session: AsyncSession, subscription: Subscription, *, reason: str, now: datetime
) -> None:
    """Disable a subscription at the tenant's request and hold back its deliveries."""
    subscription.enabled = False
    subscription.disabled_reason = reason
    subscription.disabled_at = now
    await DeliveryRepository(session).pause(subscription.id)
