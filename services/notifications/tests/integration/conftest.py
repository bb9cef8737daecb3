"""A migrated notifications database, its runtime on a clock the test moves, API keys, loopback
receivers, and helpers that feed events through the real consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text

from claimflow_shared.auth.keys import Role, new_key, store_key
from claimflow_shared.bus import Message
from claimflow_shared.events import Envelope, Event
from claimflow_shared.events.contracts import ClaimStatusChanged
from claimflow_shared.http.app import build_app
from claimflow_shared.messaging.consumer import EventConsumer, consumer_for
from claimflow_shared.runtime import Runtime, build_runtime
from claimflow_shared.testing.plugin import DatabaseFactory
from notifications.definition import DEFINITION
from notifications.delivery.bootstrap import open_scheduler
from notifications.delivery.handlers import handlers
from notifications.delivery.scheduler import DeliveryScheduler
from notifications.delivery.testing import ManualClock, MidpointRandom, Receivers
from notifications.delivery.url_safety import Resolver, system_resolver
from notifications.dependencies import get_resolver
from notifications.settings import NotificationsSettings

TENANT = "tenant-a"
OTHER_TENANT = "tenant-b"

Subscribe = Callable[..., Awaitable[dict[str, Any]]]
Publish = Callable[..., Awaitable[Envelope]]
Headers = dict[str, dict[str, str]]
BusHeaders = list[tuple[str, bytes]]


def status_changed(claim_id: str = "claim-0001", *, tenant_id: str = TENANT) -> ClaimStatusChanged:
    """A claim status change of ``tenant_id`` (synthetic ids only)."""
    return ClaimStatusChanged(
        claim_id=claim_id,
        tenant_id=tenant_id,
        from_status="received",
        to_status="accepted",
        reason="all checks passed",
        changed_at=datetime(2025, 10, 1, 12, 0, tzinfo=UTC),
    )


@pytest.fixture
def claim_event() -> Callable[..., ClaimStatusChanged]:
    """Make a claim status change event: ``claim_event(claim_id, tenant_id=...)``."""
    return status_changed


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def database_url(database_factory: DatabaseFactory) -> str:
    return await database_factory(DEFINITION)


@pytest.fixture
def settings(database_url: str, clock: ManualClock) -> NotificationsSettings:
    return NotificationsSettings(
        database_url=database_url,
        bus="memory",
        environment="test",
        clock=clock,
        delivery_poll_seconds=0.02,
        delivery_attempt_deadline=10.0,
    )


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
async def runtime(
    settings: NotificationsSettings, spans: InMemorySpanExporter
) -> AsyncIterator[Runtime]:
    built = build_runtime(DEFINITION, settings, span_exporters=[spans])
    yield built
    await built.close()


@pytest.fixture
async def headers(runtime: Runtime) -> Headers:
    """API key headers by holder: submitter, ops, payer (tenant-a) and other (tenant-b)."""
    issued = {
        "submitter": new_key(tenant_id=TENANT, roles=(Role.SUBMITTER,)),
        "ops": new_key(tenant_id=TENANT, roles=(Role.OPS,)),
        "payer": new_key(tenant_id=TENANT, roles=(Role.PAYER,)),
        "other": new_key(tenant_id=OTHER_TENANT, roles=(Role.SUBMITTER,)),
    }
    async with runtime.database.session() as session:
        for name, key in issued.items():
            await store_key(session, key, name=name)
    return {name: {"X-API-Key": key.secret} for name, key in issued.items()}


@pytest.fixture
def resolver() -> Resolver:
    return system_resolver


@pytest.fixture
async def api(
    runtime: Runtime, settings: NotificationsSettings, resolver: Resolver
) -> AsyncIterator[httpx.AsyncClient]:
    """The notifications API on the test runtime; ``resolver`` checks subscription hosts."""
    app = build_app(DEFINITION, settings, runtime=runtime)
    app.dependency_overrides[get_resolver] = lambda: resolver
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        yield client


@pytest.fixture
async def receivers() -> AsyncIterator[Receivers]:
    async with Receivers() as started:
        yield started


@pytest.fixture
def subscribe(api: httpx.AsyncClient, headers: Headers) -> Subscribe:
    """Create a subscription through the API: ``await subscribe(url, patterns, holder=...)``."""

    async def create(
        url: str, event_types: list[str] | None = None, *, holder: str = "submitter"
    ) -> dict[str, Any]:
        response = await api.post(
            "/v1/subscriptions",
            json={"url": url, "event_types": event_types or ["claims.claim.*"]},
            headers=headers[holder],
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return create


@pytest.fixture
def consumer(runtime: Runtime, settings: NotificationsSettings) -> EventConsumer:
    return consumer_for(
        runtime, name="notifications.delivery", handlers=handlers(clock=settings.clock)
    )


@pytest.fixture
def publish(consumer: EventConsumer) -> Publish:
    """Feed an event through the notifications consumer (inbox, transaction, handler); pass
    ``envelope`` to deliver the same record again, as a bus redelivery would."""

    async def deliver(
        event: Event, *, envelope: Envelope | None = None, headers: BusHeaders | None = None
    ) -> Envelope:
        wrapped = envelope or Envelope.wrap(event)
        await consumer.handle(message_of(wrapped, event, extra=headers or []))
        return wrapped

    return deliver


def message_of(envelope: Envelope, event: Event, *, extra: BusHeaders) -> Message:
    """The bus record carrying ``envelope`` (plus ``extra`` headers such as a traceparent)."""
    return Message(
        topic=event.topic,
        key=envelope.key.encode(),
        value=envelope.data,
        headers=envelope.headers() + extra,
    )


@pytest.fixture
def scheduler(runtime: Runtime) -> Callable[..., AbstractAsyncContextManager[DeliveryScheduler]]:
    """Open a scheduler on the test runtime (jitter-free unless told otherwise)."""

    def opening(
        resolver: Resolver = system_resolver,
    ) -> AbstractAsyncContextManager[DeliveryScheduler]:
        return open_scheduler(runtime, resolver=resolver, rng=MidpointRandom())

    return opening


@pytest.fixture
def deliveries(runtime: Runtime) -> Callable[[], Awaitable[list[dict[str, Any]]]]:
    """Read every delivery row, oldest first, as dicts."""

    async def read() -> list[dict[str, Any]]:
        async with runtime.database.session() as session:
            result = await session.execute(
                text("SELECT * FROM deliveries ORDER BY created_at, subscription_id")
            )
            return [dict(row) for row in result.mappings().all()]

    return read


@pytest.fixture
def attempt_log(runtime: Runtime) -> Callable[[Any], Awaitable[list[dict[str, Any]]]]:
    """Read the attempt log of one delivery, first first, as dicts."""

    async def read(delivery_id: Any) -> list[dict[str, Any]]:
        async with runtime.database.session() as session:
            result = await session.execute(
                text("SELECT * FROM delivery_attempts WHERE delivery_id = :d ORDER BY number"),
                {"d": delivery_id},
            )
            return [dict(row) for row in result.mappings().all()]

    return read
