"""Alembic environment of the prior-auth service."""

from claimflow_shared.migrations import run_env
from prior_auth.settings import PriorAuthSettings
from prior_auth.tables import metadata

run_env(metadata, PriorAuthSettings)
