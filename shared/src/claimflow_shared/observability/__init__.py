"""Metrics the platform records and their Prometheus rendering."""

from claimflow_shared.observability.metrics import GaugeStore, PlatformMetrics
from claimflow_shared.observability.prometheus import render_prometheus

__all__ = ["GaugeStore", "PlatformMetrics", "render_prometheus"]
