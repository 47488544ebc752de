"""Every metric family of the catalogue is exported after its action, in one or many processes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from small_sample import load_small_sample

from tetra.adapters.http import RetryPolicy, VendorHttp
from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, PrometheusTelemetry
from tetra.adapters.stores import open_store
from tetra.core.clock import FixedClock
from tetra.core.telemetry import METRICS, NullTelemetry, install
from tetra.scheduler.operations import after_daily_run
from tetra.settings import Settings
from tetra.testing.builders import bars_frame

NOW = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrometheusTelemetry]:
    monkeypatch.delenv(MULTIPROCESS_ENV, raising=False)
    telemetry = PrometheusTelemetry()
    previous = install(telemetry)
    yield telemetry
    install(previous)


def value(sink: PrometheusTelemetry, name: str, **labels: str) -> float | None:
    return sink.registry.get_sample_value(name, labels)


def test_every_catalogued_family_is_exposed_before_any_event(sink: PrometheusTelemetry) -> None:
    names = {family.name for family in text_string_to_metric_families(sink.exposition().decode())}

    assert set(METRICS) <= names


def test_the_null_sink_refuses_unknown_names_and_wrong_labels() -> None:
    null = NullTelemetry()
    with pytest.raises(ValueError, match="unknown metric"):
        null.increment("tetra_pipeline_runz", {})
    with pytest.raises(ValueError, match="takes labels"):
        null.increment("tetra_pipeline_runs", {"mode": "daily"})
    with pytest.raises(ValueError, match="is a counter"):
        null.set("tetra_pipeline_runs", {"mode": "daily", "status": "success"}, 1)


def test_a_pipeline_run_counts_the_run_its_duration_and_rows(
    sink: PrometheusTelemetry, tmp_path: Path
) -> None:
    load_small_sample(tmp_path / "data", ("SPY",), years=1)

    assert value(sink, "tetra_pipeline_runs_total", mode="backfill", status="success") == 1
    assert value(sink, "tetra_pipeline_run_seconds_count", mode="backfill") == 1
    written = value(sink, "tetra_rows_written_total", step="market_data")
    assert written is not None
    assert written > 200
    assert value(sink, "tetra_rows_quarantined_total", step="market_data") == 0


def test_vendor_requests_are_timed_and_throttling_counted(sink: PrometheusTelemetry) -> None:
    answers = iter([httpx.Response(429), httpx.Response(200, json={"ok": True})])
    transport = httpx.MockTransport(lambda request: next(answers))

    async def fetch() -> object:
        async def no_wait(seconds: float) -> None:
            pass

        policy = RetryPolicy(attempts=2)
        async with VendorHttp("polygon", transport=transport, sleep=no_wait, policy=policy) as http:
            return await http.get_json("https://vendor.test/bars")

    assert asyncio.run(fetch()) == {"ok": True}
    assert value(sink, "tetra_vendor_request_seconds_count", source="polygon") == 2
    assert value(sink, "tetra_vendor_requests_total", source="polygon", outcome="ok") == 1
    assert value(sink, "tetra_vendor_requests_total", source="polygon", outcome="http_4xx") == 1
    assert value(sink, "tetra_vendor_throttled_total", source="polygon") == 1


def test_the_schedulers_operations_count_backups_alerts_and_deliveries(
    sink: PrometheusTelemetry, tmp_path: Path
) -> None:
    from tetra.testing.loopback import WebhookSink

    with open_store(tmp_path / "tetra.duckdb") as store:
        store.upsert("market_data.ohlcv", bars_frame(("SPY",), start="2026-02-20", periods=1))
    with WebhookSink() as hook:
        settings = Settings(
            data_dir=tmp_path,
            alerts={"webhook_url": hook.url},
            ops={"backup_keep": 2},
        )
        report = after_daily_run(settings, FixedClock(NOW))

    assert report.problems == []
    assert report.backup is not None
    assert value(sink, "tetra_backups_total", engine="duckdb", outcome="done") == 1
    assert value(sink, "tetra_alerts_firing", rule="stale_data") == 1
    age = value(sink, "tetra_data_age_seconds", dataset="market_data.ohlcv")
    assert age == (NOW - dt.datetime(2026, 2, 20, tzinfo=dt.UTC)).total_seconds()
    assert value(sink, "tetra_alert_deliveries_total", channel="webhook", outcome="sent") == 1
    assert value(sink, "tetra_scheduler_last_run_timestamp", job="operations") == NOW.timestamp()


CHILD = """
from tetra.adapters.metrics.prometheus import PrometheusTelemetry
from tetra.core.telemetry import install, telemetry
install(PrometheusTelemetry())
telemetry().increment("tetra_pipeline_runs", {"mode": "daily", "status": "success"})
"""


def test_multiprocess_mode_adds_up_the_samples_of_child_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROCESS_ENV, str(tmp_path))
    env = {**os.environ, MULTIPROCESS_ENV: str(tmp_path)}
    for _ in range(3):
        subprocess.run([sys.executable, "-c", CHILD], check=True, env=env)
    parent = PrometheusTelemetry()

    families = text_string_to_metric_families(parent.exposition().decode())
    runs = next(f for f in families if f.name == "tetra_pipeline_runs")

    (sample,) = [s for s in runs.samples if s.name == "tetra_pipeline_runs_total"]
    assert sample.value == 3


def test_docs_name_every_catalogued_metric_with_its_labels() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()

    for family in METRICS.values():
        labels = ", ".join(family.labels)
        assert f"| `{family.name}` | {family.kind} | {labels} |" in doc, family.name
