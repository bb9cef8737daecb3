"""The notifications HTTP API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from claimflow_shared.http.app import build_app
from notifications.definition import DEFINITION
from notifications.settings import NotificationsSettings


def create_app(settings: NotificationsSettings | None = None, **options: Any) -> FastAPI:
    """Build the notifications app; its lifespan builds the engine, bus and telemetry."""
    return build_app(DEFINITION, settings, **options)
