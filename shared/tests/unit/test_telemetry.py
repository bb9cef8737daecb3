"""Logs carry the trace; exporters follow the standard OTEL_* variables."""

import json
import logging

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from claimflow_shared.logs import JsonFormatter
from claimflow_shared.telemetry import (
    context_from_headers,
    current_trace_headers,
    setup_telemetry,
)


def exporters(telemetry) -> list[object]:  # type: ignore[no-untyped-def]
    processors = telemetry.tracer_provider._active_span_processor._span_processors
    return [p.span_exporter for p in processors if isinstance(p, BatchSpanProcessor)]


class TestLogs:
    def test_a_line_inside_a_span_names_its_trace_and_span(self) -> None:
        telemetry = setup_telemetry("test")
        record = logging.LogRecord("claimflow", logging.INFO, __file__, 1, "hello %s", ("x",), None)
        with telemetry.tracer.start_as_current_span("work") as span:
            line = json.loads(JsonFormatter().format(record))
        context = span.get_span_context()
        assert line["message"] == "hello x" and line["level"] == "INFO"
        assert line["trace_id"] == format(context.trace_id, "032x")
        assert line["span_id"] == format(context.span_id, "016x")

    def test_a_line_outside_a_span_has_no_trace(self) -> None:
        record = logging.LogRecord("claimflow", logging.INFO, __file__, 1, "idle", (), None)
        assert "trace_id" not in json.loads(JsonFormatter().format(record))


class TestExporters:
    def test_otlp_is_configured_by_the_standard_endpoint_variable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
        assert [type(e) for e in exporters(setup_telemetry("test"))] == [OTLPSpanExporter]

    def test_no_endpoint_or_exporter_none_means_no_otlp(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
        monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
        assert exporters(setup_telemetry("test")) == []
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
        assert exporters(setup_telemetry("test")) == []


class TestSampling:
    """Operators trade trace coverage for CPU with the standard sampler variables."""

    def test_every_trace_is_recorded_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)
        with setup_telemetry("test").tracer.start_as_current_span("root") as span:
            assert span.is_recording()

    def test_a_ratio_sampler_keeps_its_share_and_children_follow_their_root(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
        monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
        tracer = setup_telemetry("test").tracer
        kept = 0
        for _ in range(2000):
            with tracer.start_as_current_span("root") as root:
                with tracer.start_as_current_span("child") as child:
                    assert child.is_recording() == root.is_recording()
                kept += root.is_recording()
        assert 400 < kept < 600

    def test_a_consumer_follows_the_decision_carried_by_the_event_headers(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The service that starts a trace decides; the services its events reach follow."""
        monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_always_off")
        starting = setup_telemetry("starting").tracer
        with starting.start_as_current_span("request") as dropped:
            headers = current_trace_headers()
        flags = int(headers["traceparent"].rsplit("-", 1)[1], 16)
        assert not dropped.is_recording() and not flags & 1  # the sampled bit is off
        monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_always_on")
        following = setup_telemetry("following").tracer
        child = following.start_span("process", context=context_from_headers(headers))
        assert not child.is_recording()
        kept = f"{headers['traceparent'][:-2]}{flags | 1:02x}"
        child = following.start_span("process", context=context_from_headers({"traceparent": kept}))
        assert child.is_recording()
