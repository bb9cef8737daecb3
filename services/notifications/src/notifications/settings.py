"""Settings of the notifications service (env prefix ``NOTIFICATIONS_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from claimflow_shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    """Notifications service settings."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    service_name: ClassVar[str] = "notifications"
    default_database: ClassVar[str] = "notifications"
    default_port: ClassVar[int] = 8004
