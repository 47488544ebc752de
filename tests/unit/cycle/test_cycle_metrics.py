"""A daily cycle and a report delivery attempt are counted in the telemetry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from cycle_fixtures import context, crossover_book

from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, PrometheusTelemetry
from tetra.core.telemetry import install
from tetra.cycle import run_cycle
from tetra.reports.delivery import Delivery, ReportArchive
from tetra.testing import InMemoryStore

SPY = [10, 10, 10, 10, 10, 10, 10, 10, 10, 20]
QQQ = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrometheusTelemetry]:
    monkeypatch.delenv(MULTIPROCESS_ENV, raising=False)
    telemetry = PrometheusTelemetry()
    previous = install(telemetry)
    yield telemetry
    install(previous)


def test_a_cycle_is_counted_and_timed_per_book(sink: PrometheusTelemetry) -> None:
    run_cycle(context({"SPY": SPY, "QQQ": QQQ}, crossover_book()), "swing")

    registry = sink.registry
    assert (
        registry.get_sample_value("tetra_cycle_runs_total", {"book": "swing", "status": "done"})
        == 1
    )
    assert registry.get_sample_value("tetra_cycle_seconds_count", {"book": "swing"}) == 1


def test_report_delivery_attempts_are_counted_by_outcome(sink: PrometheusTelemetry) -> None:
    store = InMemoryStore()
    store.migrate()
    archive = ReportArchive(store)
    at = dt.datetime(2026, 3, 6, 22, tzinfo=dt.UTC)
    archive.record(Delivery("eod:swing:2026-03-06", 1, at, "failed", ("a@b.c",), "refused"))
    archive.record(Delivery("eod:swing:2026-03-06", 2, at, "sent", ("a@b.c",), None))

    for status in ("failed", "sent"):
        assert (
            sink.registry.get_sample_value("tetra_report_deliveries_total", {"status": status}) == 1
        )
