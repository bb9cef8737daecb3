"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import os
from typing import ClassVar, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

Environment = Literal["development", "test", "production"]
BusKind = Literal["memory", "kafka"]


class ServiceSettings(BaseSettings):
    """Settings every service has.

    A service-specific variable (``CLAIMS_DATABASE_URL``) wins; otherwise the server-level
    ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP_SERVERS`` are used, with the service's own database name.

    ``kafka_partitions`` is the partition count of the topics a worker creates when they are
    missing (existing topics keep theirs). ``kafka_session_timeout_ms`` is how long a silent
    consumer (a killed worker) keeps its partitions before the group hands them on; the broker
    bounds it (6-1800 s by default). Housekeeping in the worker runs every
    ``housekeeping_seconds``: it forgets inbox ids older than ``inbox_retention_days`` (far longer
    than any redelivery: an uncommitted offset comes back within a rebalance, a kept outbox row
    within ``outbox_keep_hours``) and deletes outbox rows published longer than
    ``outbox_keep_hours`` ago (rows are kept only with the in-process bus, for replay after a
    restart).
    """

    model_config = SettingsConfigDict(env_prefix="CLAIMFLOW_", extra="ignore")

    service_name: ClassVar[str] = "service"
    default_database: ClassVar[str] = "claimflow"
    default_port: ClassVar[int] = 8000

    environment: Environment = "development"
    database_url: str = ""
    database_pool_size: int = 10
    bus: BusKind = "memory"
    kafka_bootstrap_servers: str = ""
    kafka_partitions: int = 6
    kafka_namespace: str = ""
    kafka_session_timeout_ms: int = Field(default=10000, ge=1000)
    # A consumer's fetch returns once it holds this many bytes or this long has passed (ADR 25)
    kafka_fetch_max_wait_ms: int = Field(default=30, ge=0, le=10000)
    kafka_fetch_min_bytes: int = Field(default=1024 * 1024, ge=1)
    host: str = "127.0.0.1"
    port: int = 0
    metrics_port: int = 0
    max_body_bytes: int = 5 * 1024 * 1024
    log_level: str = "INFO"
    consumer_max_attempts: int = 4
    consumer_backoff_seconds: float = 0.2
    outbox_batch_size: int = 500
    outbox_poll_seconds: float = 0.5
    inbox_retention_days: float = Field(default=7.0, gt=0)
    outbox_keep_hours: float = Field(default=1.0, gt=0)
    housekeeping_seconds: float = Field(default=3600.0, gt=0)

    @model_validator(mode="after")
    def _inbox_outlives_replays(self) -> ServiceSettings:
        """An inbox that forgot an id before its event can come again would apply it twice."""
        if self.inbox_retention_days * 24 <= self.outbox_keep_hours:
            raise ValueError("inbox_retention_days must be longer than outbox_keep_hours")
        return self

    @model_validator(mode="after")
    def _fill_from_server_level(self) -> ServiceSettings:
        """Derive the service's database URL and broker from the server-level variables."""
        if not self.database_url and os.environ.get("DATABASE_URL"):
            self.database_url = database_url_for(os.environ["DATABASE_URL"], self.default_database)
        if not self.kafka_bootstrap_servers:
            self.kafka_bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
        if not self.kafka_namespace:
            self.kafka_namespace = os.environ.get("KAFKA_NAMESPACE", "")
        if self.port == 0:
            self.port = self.default_port
        return self

    @property
    def production(self) -> bool:
        """Whether the service runs with production safety rules."""
        return self.environment == "production"


def database_url_for(server_url: str, database: str) -> str:
    """Return ``server_url`` pointing at ``database``, with the asyncpg driver."""
    url = make_url(server_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
    return url.set(database=database).render_as_string(hide_password=False)
