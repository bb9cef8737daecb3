"""What the subscription endpoints read and answer."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from notifications.delivery.matching import validate_pattern

MAX_PATTERNS = 50


def _valid_patterns(patterns: list[str]) -> list[str]:
    """Return the patterns, each validated, without repeats, in the order given."""
    return list(dict.fromkeys(validate_pattern(pattern) for pattern in patterns))


class SubscriptionIn(BaseModel):
    """A new subscription: where to POST, and which event types (``*`` wildcards allowed)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1, max_length=2048, examples=["https://hooks.example.com/claimflow"]
    )
    event_types: list[str] = Field(
        min_length=1, max_length=MAX_PATTERNS, examples=[["claims.claim.status_changed.v1"]]
    )
    description: str | None = Field(default=None, max_length=500)
    enabled: bool = True

    @field_validator("event_types")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        """Validate every pattern."""
        return _valid_patterns(patterns)


class SubscriptionPatch(BaseModel):
    """Changes to a subscription; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=2048)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=MAX_PATTERNS)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None

    @field_validator("event_types")
    @classmethod
    def _patterns(cls, patterns: list[str] | None) -> list[str] | None:
        """Validate the patterns when given."""
        return None if patterns is None else _valid_patterns(patterns)


class RotateSecretIn(BaseModel):
    """How long the old secret keeps signing beside the new one (default from the settings)."""

    model_config = ConfigDict(extra="forbid")

    overlap_hours: float | None = Field(default=None, ge=0, le=24 * 7)

    def overlap(self, *, default: timedelta) -> timedelta:
        """The overlap asked for, or ``default``."""
        return default if self.overlap_hours is None else timedelta(hours=self.overlap_hours)


class SubscriptionOut(BaseModel):
    """A subscription as its tenant sees it; the signing secret is never shown again."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    consecutive_failures: int
    secret_rotated_at: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionOut):
    """A new subscription with its signing secret, shown this once."""

    secret: str = Field(description="The signing secret (whsec_...); it is not shown again.")


class SecretRotated(BaseModel):
    """A new signing secret, shown this once, and until when the previous one also signs."""

    subscription_id: uuid.UUID
    secret: str
    previous_secret_expires_at: datetime | None
