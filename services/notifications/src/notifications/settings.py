"""Settings of the notifications service (env prefix ``NOTIFICATIONS_``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from typing import ClassVar

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from claimflow_shared.settings import ServiceSettings
from notifications.delivery.config import DeliveryConfig
from notifications.delivery.url_safety import IPNetwork, UrlPolicy, loopback_networks
from notifications.subscriptions.sealing import SecretBox, secret_box


def utc_now() -> datetime:
    """The current instant, timezone-aware."""
    return datetime.now(UTC)


class NotificationsSettings(ServiceSettings):
    """Notifications service settings.

    ``secret_keys`` are base64 AES-256 keys, comma-separated: the first encrypts new signing
    secrets, every one decrypts (add a new key in front to rotate, drop the old one once every
    secret was re-encrypted or rotated). Outside production an empty value falls back to a fixed
    development key; production refuses to handle secrets without one.

    ``allow_loopback`` unset means: allowed outside production, refused in production.
    ``allowed_networks`` are extra CIDRs webhooks may reach (comma-separated).
    ``clock`` is not read from the environment: tests pass a callable to move time.
    """

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    service_name: ClassVar[str] = "notifications"
    default_database: ClassVar[str] = "notifications"
    default_port: ClassVar[int] = 8004

    clock: Callable[[], datetime] = Field(default=utc_now, exclude=True)
    secret_keys: str = Field(default="", repr=False)
    secret_overlap_hours: float = Field(default=24.0, ge=0, le=24 * 30)
    allow_loopback: bool | None = None
    allowed_networks: str = ""
    delivery_batch_size: int = Field(default=200, ge=1)
    delivery_poll_seconds: float = Field(default=0.5, gt=0)
    delivery_lease_seconds: float = Field(default=120.0, gt=0)
    delivery_max_concurrency: int = Field(default=256, ge=1)
    delivery_per_subscription: int = Field(default=8, ge=1)
    delivery_attempt_deadline: float = Field(default=30.0, gt=0)
    disable_after_failures: int = Field(default=20, ge=1)
    # Off the claim's path, and deliveries are polled every half second anyway: a longer fetch
    # wait makes larger batches and leaves the cores to the services a claim waits on (ADR 25).
    kafka_fetch_max_wait_ms: int = Field(default=100, ge=0, le=10000)

    @field_validator("allowed_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        """Refuse an allowlist entry that is not a CIDR network."""
        _parse_networks(value)
        return value

    @field_validator("secret_keys")
    @classmethod
    def _keys_parse(cls, value: str) -> str:
        """Refuse keys that are not base64 AES-256 keys."""
        if value.strip():
            secret_box(secret_keys=value, production=False)
        return value

    def secret_box(self) -> SecretBox:
        """The box that seals and opens signing secrets (raises in production without keys)."""
        return secret_box(secret_keys=self.secret_keys, production=self.production)

    @property
    def secret_overlap(self) -> timedelta:
        """How long a rotated-out secret still signs deliveries."""
        return timedelta(hours=self.secret_overlap_hours)

    @property
    def delivery_lease(self) -> timedelta:
        """How long a claimed delivery stays hidden from other workers while it is sent."""
        return timedelta(seconds=self.delivery_lease_seconds)

    @property
    def url_policy(self) -> UrlPolicy:
        """Which webhook URLs this deployment may call."""
        return self.delivery_config().url_policy

    def delivery_config(self) -> DeliveryConfig:
        """The sender's knobs: https in production, the allowlist, bounds and deadline."""
        allow_loopback = not self.production if self.allow_loopback is None else self.allow_loopback
        networks = _parse_networks(self.allowed_networks)
        if allow_loopback:
            networks += loopback_networks()
        return DeliveryConfig(
            require_https=self.production,
            allowed_networks=networks,
            max_concurrency=self.delivery_max_concurrency,
            per_subscription_concurrency=self.delivery_per_subscription,
            per_host_concurrency=min(64, self.delivery_max_concurrency),
            attempt_deadline=self.delivery_attempt_deadline,
        )


def notifications_settings(settings: ServiceSettings) -> NotificationsSettings:
    """A runtime's settings as this service's settings type."""
    if isinstance(settings, NotificationsSettings):
        return settings
    return NotificationsSettings(**settings.model_dump())


def _parse_networks(value: str) -> tuple[IPNetwork, ...]:
    """Return the comma-separated CIDRs in ``value``."""
    return tuple(ip_network(part.strip()) for part in value.split(",") if part.strip())
