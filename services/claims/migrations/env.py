"""Alembic environment of the claims service."""

from claimflow_shared.migrations import run_env
from claims.claims.models import Base
from claims.settings import ClaimsSettings

run_env(Base.metadata, ClaimsSettings)
