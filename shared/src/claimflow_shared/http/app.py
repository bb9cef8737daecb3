"""The FastAPI application of a service: lifespan, errors, health, body limits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.telemetry import TelemetryConfig
from opentelemetry.sdk.trace.export import SpanExporter

from claimflow_shared.bus import EventBus
from claimflow_shared.errors import install_error_handlers
from claimflow_shared.http.limits import BodySizeLimit
from claimflow_shared.http.openapi import problem_openapi
from claimflow_shared.http.tracing import ServerSpans
from claimflow_shared.observability.prometheus import CONTENT_TYPE as PROMETHEUS_CONTENT_TYPE
from claimflow_shared.observability.prometheus import render_prometheus
from claimflow_shared.runtime import Runtime, ServiceDefinition, build_runtime
from claimflow_shared.settings import ServiceSettings

health = APIRouter(tags=["health"])
NO_NATIVE_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


@health.get("/health", summary="The process is alive")
async def alive() -> dict[str, str]:
    """Liveness: answers while the event loop runs."""
    return {"status": "ok"}


READY_NEEDS_STATE = "ready_needs"
"""The ``app.state`` attribute naming the checks readiness needs (default: all of them)."""


@health.get(
    "/ready",
    summary="What this process needs is reachable",
    responses={503: {"description": "What this process needs is unreachable"}},
)
async def ready(request: Request) -> JSONResponse:
    """Readiness: 200 when what the process needs answers, 503 otherwise; both checks are
    reported. An API needs only its database (events wait in the outbox); a worker needs both."""
    runtime: Runtime = request.app.state.runtime
    checks = {
        "database": "ok" if await runtime.database.ping() else "unreachable",
        "bus": "ok" if await runtime.bus.ping() else "unreachable",
    }
    needs = getattr(request.app.state, READY_NEEDS_STATE, tuple(checks))
    healthy = all(checks[name] == "ok" for name in needs)
    return JSONResponse(
        {"status": "ready" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
        headers={} if healthy else {"Retry-After": "5"},
    )


@health.get(
    "/metrics", summary="Prometheus metrics of this service", response_class=PlainTextResponse
)
async def prometheus_metrics(request: Request) -> PlainTextResponse:
    """The service's OpenTelemetry metrics in the Prometheus text format."""
    runtime: Runtime = request.app.state.runtime
    text = render_prometheus(runtime.telemetry.reader, service=runtime.telemetry.service_name)
    return PlainTextResponse(text, media_type=PROMETHEUS_CONTENT_TYPE)


def build_app(
    definition: ServiceDefinition,
    settings: ServiceSettings | None = None,
    *,
    bus: EventBus | None = None,
    runtime: Runtime | None = None,
    span_exporters: Sequence[SpanExporter] = (),
) -> FastAPI:
    """Create a service's app; its lifespan builds (or adopts) the runtime and closes it."""
    chosen = settings or definition.settings_type()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        app.state.runtime = runtime or build_runtime(
            definition, chosen, bus=bus, span_exporters=span_exporters
        )
        try:
            yield
        finally:
            if own:
                await app.state.runtime.close()

    app = FastAPI(
        title=definition.title or f"claimflow {definition.name}",
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        # ServerSpans and the service's own providers do this; FastAPI's native telemetry
        # would add a second span, metrics and log records to every request (and cost ~1 ms).
        telemetry=NO_NATIVE_TELEMETRY,
    )
    if runtime is not None:
        app.state.runtime = runtime
    # Requests write events to the outbox, never to the bus: a broker outage must not take the
    # API out of its load balancer.
    setattr(app.state, READY_NEEDS_STATE, ("database",))
    app.openapi = problem_openapi(app)  # type: ignore[method-assign]
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=chosen.max_body_bytes)
    app.add_middleware(ServerSpans)
    app.include_router(health)
    for router in definition.routers:
        app.include_router(router)
    return app
