"""Wiring of one service: the adapters it runs on, built in its lifespan or worker bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy import MetaData

from claimflow_shared.auth.keys import KeyResolver
from claimflow_shared.bus import EventBus
from claimflow_shared.bus.kafka import KafkaBus
from claimflow_shared.bus.memory import MemoryBus
from claimflow_shared.db import Database, connect
from claimflow_shared.settings import ServiceSettings
from claimflow_shared.telemetry import Telemetry, setup_telemetry

if TYPE_CHECKING:
    from claimflow_shared.messaging.consumer import EventConsumer
    from claimflow_shared.tasks import BackgroundTask


@dataclass
class Runtime:
    """The adapters of one service instance."""

    settings: ServiceSettings
    database: Database
    bus: EventBus
    telemetry: Telemetry
    keys: KeyResolver = field(default_factory=KeyResolver)

    async def close(self) -> None:
        """Release connections and flush telemetry."""
        await self.database.dispose()
        self.telemetry.shutdown()


ConsumerFactory = Callable[[Runtime], Sequence["EventConsumer"]]
TaskFactory = Callable[[Runtime], Sequence["BackgroundTask"]]


def no_tasks(runtime: Runtime) -> Sequence[BackgroundTask]:
    """The task factory of a service that has no background tasks."""
    return ()


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes a service: its name, settings, routes, consumers, tables and migrations."""

    name: str
    settings_type: type[ServiceSettings]
    routers: Sequence[APIRouter]
    consumers: ConsumerFactory
    metadata: MetaData
    migrations: Path
    title: str = ""
    description: str = ""
    tasks: TaskFactory = no_tasks


def build_bus(settings: ServiceSettings, *, client_id: str) -> EventBus:
    """The bus the settings ask for."""
    if settings.bus == "kafka":
        if not settings.kafka_bootstrap_servers:
            raise RuntimeError(
                "bus=kafka needs KAFKA_BOOTSTRAP_SERVERS (or <PREFIX>KAFKA_BOOTSTRAP_SERVERS)"
            )
        return KafkaBus(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=client_id,
            partitions=settings.kafka_partitions,
            namespace=settings.kafka_namespace,
            session_timeout_ms=settings.kafka_session_timeout_ms,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            fetch_min_bytes=settings.kafka_fetch_min_bytes,
        )
    return MemoryBus(partitions=settings.kafka_partitions)


def build_runtime(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    *,
    bus: EventBus | None = None,
    span_exporters: Sequence[SpanExporter] = (),
) -> Runtime:
    """Build a service's adapters; pass ``bus`` to share one in-process bus between services."""
    if not settings.database_url:
        raise RuntimeError(
            f"{definition.name}: no database configured "
            "(DATABASE_URL or the service's own variable)"
        )
    telemetry = setup_telemetry(definition.name, span_exporters=span_exporters)
    database = connect(settings.database_url, pool_size=settings.database_pool_size)
    telemetry.instrument_engine(database.engine)
    return Runtime(
        settings=settings,
        database=database,
        bus=bus or build_bus(settings, client_id=definition.name),
        telemetry=telemetry,
    )
