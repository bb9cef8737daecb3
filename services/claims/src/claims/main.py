"""The claims HTTP API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from claimflow_shared.http.app import build_app
from claims.definition import DEFINITION
from claims.settings import ClaimsSettings


def create_app(settings: ClaimsSettings | None = None, **options: Any) -> FastAPI:
    """Build the claims app; its lifespan builds the engine, bus and telemetry."""
    return build_app(DEFINITION, settings, **options)
