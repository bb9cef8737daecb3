"""Settings of the prior-auth service (env prefix ``PRIORAUTH_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from claimflow_shared.settings import ServiceSettings


class PriorAuthSettings(ServiceSettings):
    """Prior-auth service settings."""

    model_config = SettingsConfigDict(env_prefix="PRIORAUTH_", extra="ignore")

    service_name: ClassVar[str] = "prior-auth"
    default_database: ClassVar[str] = "priorauth"
    default_port: ClassVar[int] = 8003
