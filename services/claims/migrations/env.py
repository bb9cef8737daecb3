"""Alembic environment of the claims service."""

from claimflow_shared.migrations import run_env
from claims.settings import ClaimsSettings
from claims.tables import metadata

run_env(metadata, ClaimsSettings)
