"""Render a service's OpenTelemetry metrics in the Prometheus text exposition format.

Each service renders its own meter provider, so several services in one process (the
embedded mode) do not collide in a global registry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from opentelemetry.sdk.metrics.export import (
    Gauge,
    Histogram,
    HistogramDataPoint,
    InMemoryMetricReader,
    Metric,
    Sum,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNIT_SUFFIXES = {"s": "_seconds", "ms": "_milliseconds", "By": "_bytes"}


def _name(metric: Metric) -> str:
    name = metric.name.replace(".", "_").replace("-", "_")
    suffix = UNIT_SUFFIXES.get(metric.unit or "", "")
    return name if not suffix or name.endswith(suffix) else name + suffix


def _labels(attributes: Mapping[str, object], service: str, **extra: str) -> str:
    pairs = {
        "service": service,
        **{k.replace(".", "_"): str(v) for k, v in attributes.items()},
        **extra,
    }
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in pairs.items())
    return "{" + body + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if isinstance(value, float) else str(value)


def _histogram_lines(name: str, point: HistogramDataPoint, service: str) -> Iterable[str]:
    attributes = point.attributes or {}
    cumulative = 0
    for bound, count in zip(point.explicit_bounds, point.bucket_counts, strict=False):
        cumulative += count
        yield f"{name}_bucket{_labels(attributes, service, le=_number(bound))} {cumulative}"
    yield f"{name}_bucket{_labels(attributes, service, le='+Inf')} {point.count}"
    yield f"{name}_sum{_labels(attributes, service)} {_number(point.sum)}"
    yield f"{name}_count{_labels(attributes, service)} {point.count}"


def _metric_lines(metric: Metric, service: str) -> Iterable[str]:
    name = _name(metric)
    data = metric.data
    if isinstance(data, Sum):
        kind = "counter" if data.is_monotonic else "gauge"
        if kind == "counter" and not name.endswith("_total"):
            name += "_total"
    elif isinstance(data, Gauge):
        kind = "gauge"
    elif isinstance(data, Histogram):
        kind = "histogram"
    else:
        return
    yield f"# HELP {name} {_escape(metric.description or name)}"
    yield f"# TYPE {name} {kind}"
    for point in data.data_points:
        if isinstance(point, HistogramDataPoint):
            yield from _histogram_lines(name, point, service)
        else:
            yield f"{name}{_labels(point.attributes or {}, service)} {_number(point.value)}"


def render_prometheus(reader: InMemoryMetricReader, *, service: str) -> str:
    """Collect ``reader`` now and return the exposition text."""
    data = reader.get_metrics_data()
    lines: list[str] = []
    for resource_metrics in data.resource_metrics if data else ():
        for scope in resource_metrics.scope_metrics:
            for metric in scope.metrics:
                lines.extend(_metric_lines(metric, service))
    return "\n".join(lines) + "\n"
