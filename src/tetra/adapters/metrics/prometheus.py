"""The Prometheus adapter of the telemetry port: one registry per process, multiprocess-safe.

Every family of `tetra.core.telemetry.METRICS` is registered up front, so a scrape lists them
all (at zero) before the first event. With ``PROMETHEUS_MULTIPROC_DIR`` set (several worker
processes behind one port, e.g. uvicorn with workers), prometheus-client writes samples to
memory-mapped files in that folder and `exposition` aggregates every process's files;
gauges then report the most recent value written by any process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

from tetra.core.telemetry import METRICS, MetricKind, check_sample

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)


class PrometheusTelemetry:
    """Records `Telemetry` samples into prometheus-client metrics of one registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.multiprocess = bool(os.environ.get(MULTIPROCESS_ENV))
        self._metrics: dict[str, Counter | Histogram | Gauge] = {
            name: self._create(name) for name in METRICS
        }

    def _create(self, name: str) -> Counter | Histogram | Gauge:
        family = METRICS[name]
        labels = list(family.labels)
        if family.kind is MetricKind.COUNTER:
            return Counter(name, family.help, labels, registry=self.registry)
        if family.kind is MetricKind.HISTOGRAM:
            return Histogram(name, family.help, labels, registry=self.registry, buckets=_BUCKETS)
        return Gauge(
            name, family.help, labels, registry=self.registry, multiprocess_mode="mostrecent"
        )

    def increment(self, name: str, labels: Mapping[str, str], amount: float = 1.0) -> None:
        check_sample(name, MetricKind.COUNTER, labels)
        metric = self._metrics[name]
        assert isinstance(metric, Counter)
        metric.labels(**labels).inc(amount)

    def observe(self, name: str, labels: Mapping[str, str], value: float) -> None:
        check_sample(name, MetricKind.HISTOGRAM, labels)
        metric = self._metrics[name]
        assert isinstance(metric, Histogram)
        metric.labels(**labels).observe(value)

    def set(self, name: str, labels: Mapping[str, str], value: float) -> None:
        check_sample(name, MetricKind.GAUGE, labels)
        metric = self._metrics[name]
        assert isinstance(metric, Gauge)
        metric.labels(**labels).set(value)

    def exposition(self) -> bytes:
        """Return the text exposition of this process, or of all processes in multiprocess mode."""
        if not self.multiprocess:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return generate_latest(merged)


def serve_multiprocess(host: str, port: int) -> tuple[WSGIServer, threading.Thread]:
    """Expose, on http://host:port/metrics, the samples every process wrote to the shared folder.

    For a parent that only supervises (the scheduler): prometheus-client picks file-backed
    values when it is first imported, so the parent sets ``PROMETHEUS_MULTIPROC_DIR`` for its
    children and serves their files; its own work runs in children too. Binds `host` only
    (127.0.0.1 by default): scrape it from the same host or network as the database.
    """
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    server, thread = start_http_server(port, addr=host, registry=registry)
    return server, thread
