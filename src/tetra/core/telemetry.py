"""Telemetry: the catalogue of Tetra's metrics and the port that records them.

Map: `METRICS` names every metric family once (name, kind, help, labels); docs/operations.md
lists the same table. `Telemetry` is the port: `increment`, `observe` and `set` take a family
name and its label values, and refuse names or labels not in the catalogue, so a typo fails
in tests instead of exporting a metric nobody graphs. `install` / `telemetry()` hold the
process's sink, like logging's root logger: the composition root (API, CLI, scheduler,
worker) installs the Prometheus adapter; until then a `NullTelemetry` drops everything, so
library code and tests need no setup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class MetricKind(StrEnum):
    COUNTER = "counter"
    HISTOGRAM = "histogram"
    GAUGE = "gauge"


@dataclass(frozen=True, slots=True)
class MetricFamily:
    """One documented metric: its Prometheus name (without ``_total``), kind, help and labels."""

    name: str
    kind: MetricKind
    help: str
    labels: tuple[str, ...] = ()


def _family(name: str, kind: MetricKind, help_text: str, *labels: str) -> MetricFamily:
    return MetricFamily(name, kind, help_text, labels)


C, H, G = MetricKind.COUNTER, MetricKind.HISTOGRAM, MetricKind.GAUGE

METRICS: Mapping[str, MetricFamily] = {
    f.name: f
    for f in (
        _family("tetra_pipeline_runs", C, "Pipeline runs finished, by outcome.", "mode", "status"),
        _family("tetra_pipeline_run_seconds", H, "Pipeline run duration.", "mode"),
        _family("tetra_rows_written", C, "Rows written by the pipeline.", "step"),
        _family("tetra_rows_quarantined", C, "Records quarantined by validation.", "step"),
        _family("tetra_data_age_seconds", G, "Age of the newest row per dataset.", "dataset"),
        _family("tetra_vendor_request_seconds", H, "Vendor HTTP request latency.", "source"),
        _family(
            "tetra_vendor_requests", C, "Vendor HTTP requests by outcome.", "source", "outcome"
        ),
        _family("tetra_vendor_throttled", C, "Vendor answers asking us to slow down.", "source"),
        _family("tetra_research_jobs", C, "Backtest and simulation jobs.", "kind", "status"),
        _family("tetra_research_job_seconds", H, "Research job duration.", "kind"),
        _family(
            "tetra_cycle_runs", C, "Daily decision cycles, by book and outcome.", "book", "status"
        ),
        _family("tetra_cycle_seconds", H, "Daily decision cycle duration.", "book"),
        _family(
            "tetra_report_runs", C, "SOD/EOD report runs, by outcome.", "book", "kind", "status"
        ),
        _family("tetra_report_deliveries", C, "Report email attempts, by outcome.", "status"),
        _family(
            "tetra_orders", C, "Order events, by broker and resulting state.", "broker", "state"
        ),
        _family("tetra_broker_up", G, "1 when the broker's last health check passed.", "broker"),
        _family(
            "tetra_broker_reconnects", C, "Broker connections restored after a loss.", "broker"
        ),
        _family(
            "tetra_kill_switch_engaged", G, "1 while a kill switch is engaged ('*': all).", "scope"
        ),
        _family(
            "tetra_book_trading_state", G, "A book's state: 0 active, 1 reducing, 2 halted.", "book"
        ),
        _family(
            "tetra_risk_limit_usage",
            G,
            "A book's worst usage of a risk limit (value / cap; above 1 is a breach).",
            "book",
            "limit",
        ),
        _family("tetra_book_equity", G, "A book's equity at its last cycle.", "book"),
        _family(
            "tetra_book_daily_pnl", G, "A book's equity change since its previous cycle.", "book"
        ),
        _family("tetra_alerts_firing", G, "Tetra alerts currently firing, by rule.", "rule"),
        _family("tetra_alert_deliveries", C, "Alert deliveries.", "channel", "outcome"),
        _family("tetra_backups", C, "Store backups, by outcome.", "engine", "outcome"),
        _family("tetra_scheduler_last_run_timestamp", G, "When a scheduled job last ran.", "job"),
    )
}


class Telemetry(Protocol):
    """Records metric samples; implementations must be safe to call from any thread.

    Each method takes a family name from `METRICS` and one value per label of the family,
    by name. Unknown families, a kind mismatch (observing a counter) or missing or extra
    labels raise ValueError.
    """

    def increment(self, name: str, labels: Mapping[str, str], amount: float = 1.0) -> None: ...

    def observe(self, name: str, labels: Mapping[str, str], value: float) -> None: ...

    def set(self, name: str, labels: Mapping[str, str], value: float) -> None: ...


def check_sample(name: str, kind: MetricKind, labels: Mapping[str, str]) -> MetricFamily:
    """Return the family of a sample, or raise ValueError if the sample does not fit it."""
    family = METRICS.get(name)
    if family is None:
        raise ValueError(f"unknown metric {name!r}; the catalogue is tetra.core.telemetry")
    if family.kind is not kind:
        raise ValueError(f"{name} is a {family.kind}, not a {kind}")
    if set(labels) != set(family.labels):
        raise ValueError(f"{name} takes labels {list(family.labels)}, got {sorted(labels)}")
    return family


class NullTelemetry:
    """Checks samples against the catalogue and drops them."""

    def increment(self, name: str, labels: Mapping[str, str], amount: float = 1.0) -> None:
        check_sample(name, MetricKind.COUNTER, labels)

    def observe(self, name: str, labels: Mapping[str, str], value: float) -> None:
        check_sample(name, MetricKind.HISTOGRAM, labels)

    def set(self, name: str, labels: Mapping[str, str], value: float) -> None:
        check_sample(name, MetricKind.GAUGE, labels)


_current: list[Telemetry] = [NullTelemetry()]


def install(sink: Telemetry) -> Telemetry:
    """Make `sink` the process's telemetry; return the one it replaces."""
    previous = _current[0]
    _current[0] = sink
    return previous


def telemetry() -> Telemetry:
    """Return the process's telemetry sink."""
    return _current[0]
