"""Settings of the claims service (env prefix ``CLAIMS_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from claimflow_shared.settings import ServiceSettings


class ClaimsSettings(ServiceSettings):
    """Claims service settings."""

    model_config = SettingsConfigDict(env_prefix="CLAIMS_", extra="ignore")

    service_name: ClassVar[str] = "claims"
    default_database: ClassVar[str] = "claims"
    default_port: ClassVar[int] = 8002
