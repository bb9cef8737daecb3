"""OpenTelemetry set-up per service, and trace context carried in Kafka headers."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)

from claimflow_shared.observability.metrics import PlatformMetrics

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

SPANS_FILE_ENV = "CLAIMFLOW_SPANS_FILE"


@dataclass(frozen=True, slots=True)
class Telemetry:
    """A service's own tracer and meter (several services may share one process)."""

    service_name: str
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    tracer: trace.Tracer
    meter: metrics.Meter
    reader: InMemoryMetricReader
    metrics: PlatformMetrics

    def instrument_engine(self, engine: AsyncEngine) -> None:
        """Trace every statement on ``engine`` with this service's tracer (DB semconv)."""
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        usage = self.meter.create_up_down_counter(
            "db.client.connections.usage",
            unit="connections",
            description="Connections in use or idle in the pool",
        )
        EngineTracer(  # type: ignore[no-untyped-call]
            self.tracer_provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"),
            engine.sync_engine,
            usage,
        )

    def shutdown(self) -> None:
        """Flush and stop the exporters."""
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def setup_telemetry(service_name: str, *, span_exporters: Sequence[SpanExporter] = ()) -> Telemetry:
    """Build providers for one service; exporters come from ``OTEL_*`` variables and arguments."""
    resource = Resource.create({"service.name": service_name, "service.namespace": "claimflow"})
    tracer_provider = TracerProvider(resource=resource)
    for exporter in span_exporters:
        tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    if spans_file := os.environ.get(SPANS_FILE_ENV):
        tracer_provider.add_span_processor(SimpleSpanProcessor(FileSpanExporter(Path(spans_file))))
    if _otlp_configured():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = meter_provider.get_meter("claimflow")
    return Telemetry(
        service_name=service_name,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        tracer=tracer_provider.get_tracer("claimflow"),
        meter=meter,
        reader=reader,
        metrics=PlatformMetrics(meter),
    )


def _otlp_configured() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "")
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    )
    return exporter == "otlp" or (bool(endpoint) and exporter != "none")


def current_trace_headers(context: otel_context.Context | None = None) -> dict[str, str]:
    """The W3C trace context of ``context`` (by default the current span), as header values."""
    carrier: dict[str, str] = {}
    inject(carrier, context=context)
    return carrier


@contextmanager
def traced_by(context: otel_context.Context | None) -> Iterator[None]:
    """Make ``context`` current inside the block (nothing changes when it is None)."""
    if context is None:
        yield
        return
    token = otel_context.attach(context)
    try:
        yield
    finally:
        otel_context.detach(token)


def context_from_headers(headers: dict[str, str]) -> otel_context.Context:
    """The trace context carried by message headers."""
    return extract(headers)


class FileSpanExporter(SpanExporter):
    """Appends finished spans as JSON lines; lets tests read spans from other processes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(span_record(s)) + "\n" for s in spans]
        with self._lock, self._path.open("a", encoding="utf-8") as out:
            out.writelines(lines)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Nothing to release."""


def span_record(span: ReadableSpan) -> dict[str, object]:
    """The fields of a span that tests and debugging need."""
    ctx = span.get_span_context()
    assert ctx is not None
    return {
        "name": span.name,
        "service": span.resource.attributes.get("service.name"),
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
        "kind": span.kind.name,
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "attributes": {k: v for k, v in (span.attributes or {}).items()},
    }
