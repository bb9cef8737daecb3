"""Payer settings and simulator profiles going in and out of the admin API."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

CODE = r"^[A-Z0-9]{5}$"


class PayerSettingsIn(BaseModel):
    """A payer's decision-deadline policy (CMS-0057-F defaults)."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str = Field(default="UTC", description="IANA zone whose calendar counts days")
    standard_days: int = Field(default=7, ge=1, le=30)
    expedited_hours: int = Field(default=72, ge=1, le=720)
    pause_while_pended: bool = Field(
        default=False, description="Stop the clock while pended for the requester's information"
    )
    warn_before_hours: int = Field(default=24, ge=1, le=720)
    max_extension_days: int = Field(
        default=14, ge=0, le=30, description="Longest extension of a decision timeframe (0: none)"
    )
    max_extensions: int = Field(
        default=1, ge=0, le=5, description="Extensions allowed per decision (request or appeal)"
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refuse zone names the tz database does not know."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class PayerSettingsOut(PayerSettingsIn):
    """The policy in force; ``configured`` is false while the defaults apply."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    payer_id: str
    configured: bool = True


class SimulatorProfileIn(BaseModel):
    """How the payer simulator answers this payer's requests."""

    model_config = ConfigDict(extra="forbid")

    gold_card_codes: list[str] = Field(default=[], max_length=500)
    denied_codes: dict[str, str] = Field(
        default={}, max_length=500, description="code -> the specific reason of the denial"
    )
    approve_after_seconds: int = Field(default=30, ge=0, le=30 * 86400)
    pend_after_seconds: int = Field(default=30, ge=0, le=30 * 86400)
    deny_after_seconds: int = Field(default=30, ge=0, le=30 * 86400)
    information_needed: str = Field(
        default="Clinical notes supporting medical necessity", min_length=1, max_length=500
    )
    approve_on_appeal: bool = True

    @field_validator("gold_card_codes")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        """Keep codes upper-cased and trimmed."""
        return [value.strip().upper() for value in values]

    @field_validator("denied_codes")
    @classmethod
    def _reasons(cls, values: dict[str, str]) -> dict[str, str]:
        """Require a specific reason for every denied code."""
        if any(not reason.strip() for reason in values.values()):
            raise ValueError("every denied code needs a reason")
        return {code.strip().upper(): reason.strip() for code, reason in values.items()}


class SimulatorProfileOut(SimulatorProfileIn):
    """A stored simulator profile."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    payer_id: str
