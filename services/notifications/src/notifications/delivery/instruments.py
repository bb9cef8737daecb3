"""The webhook metrics, recorded on the service's own meter."""

from __future__ import annotations

from opentelemetry import metrics

from notifications.delivery.progress import Progress

LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]


class WebhookMetrics:
    """Attempts by outcome, and how long receivers took to answer."""

    def __init__(self, meter: metrics.Meter) -> None:
        self.deliveries = meter.create_counter(
            "claimflow_webhook_deliveries",
            description="Webhook delivery attempts by outcome (delivered, retrying, failed)",
        )
        self.latency = meter.create_histogram(
            "claimflow_webhook_latency",
            unit="s",
            description="Time from sending a webhook attempt to its answer or its failure",
            explicit_bucket_boundaries_advisory=LATENCY_BUCKETS,
        )

    def record(self, progress: Progress) -> None:
        """Count one attempt and its latency under its outcome."""
        labels = {"outcome": progress.outcome.value}
        self.deliveries.add(1, labels)
        self.latency.record(progress.result.latency_ms / 1000, labels)
