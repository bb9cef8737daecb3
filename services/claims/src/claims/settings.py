"""Settings of the claims service (env prefix ``CLAIMS_``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from claimflow_shared.patient_refs import DEVELOPMENT_PATIENT_REF_KEY
from claimflow_shared.settings import ServiceSettings

MEBIBYTE = 1024 * 1024


def utc_now() -> datetime:
    """The current instant, timezone-aware."""
    return datetime.now(UTC)


class ClaimsSettings(ServiceSettings):
    """Claims service settings.

    ``max_body_bytes`` is the app-wide limit and therefore the X12 endpoint's (interchanges are
    large); JSON routes hold their bodies to ``json_max_body_bytes`` and
    ``batch_max_body_bytes``. ``clock`` is not read from the environment: tests pass a callable.
    """

    model_config = SettingsConfigDict(env_prefix="CLAIMS_", extra="ignore")

    service_name: ClassVar[str] = "claims"
    default_database: ClassVar[str] = "claims"
    default_port: ClassVar[int] = 8002

    max_body_bytes: int = 20 * MEBIBYTE
    json_max_body_bytes: int = 5 * MEBIBYTE
    batch_max_body_bytes: int = 20 * MEBIBYTE
    batch_max_claims: int = 1000
    intake_group_max_claims: int = 200
    timely_filing_days: int = 365
    patient_ref_key: SecretStr = SecretStr(DEVELOPMENT_PATIENT_REF_KEY)
    status_gauge_seconds: float = 15.0
    clock: Callable[[], datetime] = Field(default=utc_now, exclude=True)

    @model_validator(mode="after")
    def _production_needs_its_own_key(self) -> ClaimsSettings:
        """Refuse the development patient-reference key in production."""
        if self.production and (
            self.patient_ref_key.get_secret_value() == DEVELOPMENT_PATIENT_REF_KEY
        ):
            raise ValueError("CLAIMS_PATIENT_REF_KEY must be set in production")
        return self
