"""Request dependencies shared by the claims service's routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from claimflow_shared.auth import Principal
from claims.settings import ClaimsSettings


async def get_settings(request: Request) -> ClaimsSettings:
    """The service's settings (always ClaimsSettings for this service's apps).

    Async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool.
    """
    settings = request.app.state.runtime.settings
    if not isinstance(settings, ClaimsSettings):
        raise TypeError("the claims API runs on ClaimsSettings")
    return settings


SettingsDep = Annotated[ClaimsSettings, Depends(get_settings)]


def actor_of(principal: Principal) -> str:
    """How the history names a client: its API key id (never a person's name)."""
    return f"key:{principal.key_id}"
