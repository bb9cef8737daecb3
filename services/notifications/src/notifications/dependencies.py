"""FastAPI dependencies of the notifications endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from claimflow_shared.auth import Role, require_roles
from notifications.delivery.url_safety import Resolver, system_resolver
from notifications.settings import NotificationsSettings, notifications_settings

SUBSCRIBER_ROLES = (Role.SUBMITTER, Role.OPS)


async def get_settings(request: Request) -> NotificationsSettings:
    """The running service's settings."""
    return notifications_settings(request.app.state.runtime.settings)


async def get_resolver() -> Resolver:
    """The resolver that checks a subscription's host (tests override this dependency)."""
    return system_resolver


SettingsDep = Annotated[NotificationsSettings, Depends(get_settings)]
ResolverDep = Annotated[Resolver, Depends(get_resolver)]
subscriber = Depends(require_roles(*SUBSCRIBER_ROLES))
