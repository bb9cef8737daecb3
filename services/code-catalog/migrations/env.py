"""Alembic environment of the code-catalog service."""

from claimflow_shared.migrations import run_env
from code_catalog.models import Base
from code_catalog.settings import CatalogSettings

run_env(Base.metadata, CatalogSettings)
