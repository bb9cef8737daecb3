"""Alembic environment of the notifications service."""

from claimflow_shared.migrations import run_env
from notifications.settings import NotificationsSettings
from notifications.tables import Base

run_env(Base.metadata, NotificationsSettings)
