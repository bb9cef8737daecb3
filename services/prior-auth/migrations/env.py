"""Alembic environment of the prior-auth service."""

from claimflow_shared.migrations import run_env
from prior_auth.authorizations.models import Base
from prior_auth.settings import PriorAuthSettings

run_env(Base.metadata, PriorAuthSettings)
