"""Settings of the prior-auth service (env prefix ``PRIORAUTH_``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from claimflow_shared.patient_refs import DEVELOPMENT_PATIENT_REF_KEY
from claimflow_shared.settings import ServiceSettings


def utc_now() -> datetime:
    """The current instant, timezone-aware."""
    return datetime.now(UTC)


class PriorAuthSettings(ServiceSettings):
    """Prior-auth service settings.

    ``clock`` is not read from the environment: tests pass a callable to move time, and the
    API, the deadline scheduler and the simulator all read time through it.
    ``patient_ref_key`` keys the patient references of 278 requests; it must equal
    ``CLAIMS_PATIENT_REF_KEY`` so that claims find the authorizations of their members.
    """

    model_config = SettingsConfigDict(env_prefix="PRIORAUTH_", extra="ignore")

    service_name: ClassVar[str] = "prior-auth"
    default_database: ClassVar[str] = "priorauth"
    default_port: ClassVar[int] = 8003

    clock: Callable[[], datetime] = Field(default=utc_now, exclude=True)
    default_time_zone: str = "UTC"
    deadline_poll_seconds: float = 30.0
    deadline_batch_size: int = 200
    simulator: bool = False
    simulator_poll_seconds: float = 2.0
    simulator_batch_size: int = 50
    patient_ref_key: SecretStr = SecretStr(DEVELOPMENT_PATIENT_REF_KEY)

    @model_validator(mode="after")
    def _production_needs_its_own_key(self) -> PriorAuthSettings:
        """Refuse the development patient-reference key in production."""
        if self.production and (
            self.patient_ref_key.get_secret_value() == DEVELOPMENT_PATIENT_REF_KEY
        ):
            raise ValueError("PRIORAUTH_PATIENT_REF_KEY must be set in production")
        return self
