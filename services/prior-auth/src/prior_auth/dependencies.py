"""FastAPI dependencies of the prior-auth API: its settings and its clock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from prior_auth.settings import PriorAuthSettings


async def get_settings(request: Request) -> PriorAuthSettings:
    """The settings the app's runtime was built with."""
    settings = request.app.state.runtime.settings
    if not isinstance(settings, PriorAuthSettings):
        raise TypeError("the prior-auth app runs on PriorAuthSettings")
    return settings


async def get_clock(settings: Annotated[PriorAuthSettings, Depends(get_settings)]) -> datetime:
    """The current instant by the service's clock."""
    return settings.clock()


SettingsDep = Annotated[PriorAuthSettings, Depends(get_settings)]
NowDep = Annotated[datetime, Depends(get_clock)]
