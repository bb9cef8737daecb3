"""HTTP routes of the subscriptions a tenant manages for itself."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Forbidden, NotFound, ValidationFailed, error_responses
from notifications.dependencies import ResolverDep, SettingsDep, subscriber
from notifications.subscriptions import service
from notifications.subscriptions.schemas import (
    RotateSecretIn,
    SecretRotated,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
)

router = APIRouter(
    prefix="/v1/subscriptions",
    tags=["subscriptions"],
    dependencies=[subscriber],
    responses=error_responses(Forbidden),
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(ValidationFailed),
)
async def create_subscription(
    subscription_in: SubscriptionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    resolver: ResolverDep,
) -> SubscriptionCreated:
    """Subscribe a URL to event types; the signing secret is in this answer only."""
    subscription, secret = await service.create(
        session=session,
        principal=principal,
        subscription_in=subscription_in,
        policy=settings.url_policy,
        box=settings.secret_box(),
        now=settings.clock(),
        resolver=resolver,
    )
    await session.refresh(subscription)
    return SubscriptionCreated(
        **SubscriptionOut.model_validate(subscription).model_dump(), secret=secret
    )


@router.get("")
async def list_subscriptions(
    session: SessionDep, principal: CurrentPrincipal
) -> list[SubscriptionOut]:
    """The caller's tenant's subscriptions."""
    subscriptions = await service.list_all(session=session, principal=principal)
    return [SubscriptionOut.model_validate(s) for s in subscriptions]


@router.get("/{subscription_id}", responses=error_responses(NotFound))
async def get_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> SubscriptionOut:
    """One subscription of the caller's tenant."""
    subscription = await service.get(
        session=session, principal=principal, subscription_id=subscription_id
    )
    return SubscriptionOut.model_validate(subscription)


@router.patch("/{subscription_id}", responses=error_responses(NotFound, ValidationFailed))
async def update_subscription(
    subscription_id: uuid.UUID,
    patch: SubscriptionPatch,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    resolver: ResolverDep,
) -> SubscriptionOut:
    """Change the URL, event types, description, or enable/disable the subscription."""
    subscription = await service.update(
        session=session,
        principal=principal,
        subscription_id=subscription_id,
        patch=patch,
        policy=settings.url_policy,
        now=settings.clock(),
        resolver=resolver,
    )
    return SubscriptionOut.model_validate(subscription)


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotFound),
)
async def delete_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Delete a subscription with its deliveries and their log."""
    await service.delete(session=session, principal=principal, subscription_id=subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subscription_id}/rotate-secret",
    responses=error_responses(NotFound, ValidationFailed),
)
async def rotate_secret(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    rotate_in: RotateSecretIn | None = None,
) -> SecretRotated:
    """A new signing secret (shown once); the old one also signs until the overlap ends."""
    overlap = (rotate_in or RotateSecretIn()).overlap(default=settings.secret_overlap)
    subscription, secret = await service.rotate_secret(
        session=session,
        principal=principal,
        subscription_id=subscription_id,
        box=settings.secret_box(),
        overlap=overlap,
        now=settings.clock(),
    )
    return SecretRotated(
        subscription_id=subscription.id,
        secret=secret,
        previous_secret_expires_at=subscription.previous_secret_expires_at,
    )
