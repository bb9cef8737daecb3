"""Settings of the code-catalog service (env prefix ``CATALOG_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from claimflow_shared.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    """Code-catalog service settings."""

    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")

    service_name: ClassVar[str] = "code-catalog"
    default_database: ClassVar[str] = "codecatalog"
    default_port: ClassVar[int] = 8001
