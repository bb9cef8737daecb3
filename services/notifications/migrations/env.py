"""Alembic environment of the notifications service."""

from claimflow_shared.migrations import run_env
from notifications.delivery.models import Base
from notifications.settings import NotificationsSettings

run_env(Base.metadata, NotificationsSettings)
