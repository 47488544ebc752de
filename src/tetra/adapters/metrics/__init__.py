"""Metric exporters: Prometheus (prometheus-client), behind `tetra.core.telemetry`."""
