"""The code-catalog HTTP API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from claimflow_shared.http.app import build_app
from code_catalog.definition import DEFINITION
from code_catalog.settings import CatalogSettings


def create_app(settings: CatalogSettings | None = None, **options: Any) -> FastAPI:
    """Build the code-catalog app; its lifespan builds the engine, bus and telemetry."""
    return build_app(DEFINITION, settings, **options)
