"""The instruments every service records, created once per service meter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]

Labels = tuple[tuple[str, str], ...]


@dataclass
class GaugeStore:
    """Last known values of a gauge per label set, read by an observable gauge's callback.

    Values are set where they are known (the relay, the consume loop, a periodic query); the
    exporter reads them when it collects.
    """

    values: dict[Labels, float] = field(default_factory=dict)

    def set(self, value: float, **labels: str) -> None:
        """Record the current value for ``labels``."""
        self.values[tuple(sorted(labels.items()))] = value

    def replace(self, values: Iterable[tuple[dict[str, str], float]]) -> None:
        """Replace every value at once (label sets that vanished disappear)."""
        self.values = {tuple(sorted(labels.items())): value for labels, value in values}

    def observe(self, _: CallbackOptions) -> Iterable[Observation]:
        """The callback of the observable gauge."""
        return [Observation(v, dict(k)) for k, v in list(self.values.items())]


class PlatformMetrics:
    """Counters, histograms and gauges common to all services."""

    def __init__(self, meter: metrics.Meter) -> None:
        self._meter = meter
        self.http_duration = meter.create_histogram(
            "http_server_request_duration",
            unit="s",
            description="Duration of HTTP server requests",
            explicit_bucket_boundaries_advisory=HTTP_BUCKETS,
        )
        self.published = meter.create_counter(
            "claimflow_events_published", description="Events the outbox relay published"
        )
        self.consumed = meter.create_counter(
            "claimflow_events_consumed", description="Events applied by a consumer"
        )
        self.failed = meter.create_counter(
            "claimflow_events_failed", description="Handler attempts that raised"
        )
        self.dead_letters = meter.create_counter(
            "claimflow_dead_letters", description="Events parked on a dead-letter topic"
        )
        self.outbox_backlog = self.gauge(
            "claimflow_outbox_backlog", "Outbox rows not yet published"
        )
        self.outbox_oldest_age = self.gauge(
            "claimflow_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row"
        )
        self.consumer_lag = self.gauge(
            "claimflow_consumer_lag", "Records behind the end of the partition, per group"
        )

    def gauge(self, name: str, description: str) -> GaugeStore:
        """A gauge whose values a ``GaugeStore`` holds."""
        store = GaugeStore()
        self._meter.create_observable_gauge(
            name, callbacks=[store.observe], description=description
        )
        return store
