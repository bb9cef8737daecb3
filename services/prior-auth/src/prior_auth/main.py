"""The prior-auth HTTP API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from claimflow_shared.http.app import build_app
from prior_auth.definition import DEFINITION
from prior_auth.settings import PriorAuthSettings


def create_app(settings: PriorAuthSettings | None = None, **options: Any) -> FastAPI:
    """Build the prior-auth app; its lifespan builds the engine, bus and telemetry."""
    return build_app(DEFINITION, settings, **options)
