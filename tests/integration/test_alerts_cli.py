"""`tetra alerts check|list|test` and the scheduler's after-run step on a live DuckDB store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tetra.adapters.stores import open_store
from tetra.cli.main import app
from tetra.testing.builders import bars_frame
from tetra.testing.loopback import WebhookSink

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("TETRA_STORE_URL", "TETRA_ALERTS__WEBHOOK_URL", "TETRA_ALERTS__EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path))
    with open_store(tmp_path / "tetra.duckdb") as store:
        store.upsert("market_data.ohlcv", bars_frame(("SPY",), start="2024-01-02", periods=3))
    return tmp_path


def test_check_reports_and_delivers_stale_data_then_list_shows_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with WebhookSink() as hook:
        monkeypatch.setenv("TETRA_ALERTS__WEBHOOK_URL", hook.url)
        checked = runner.invoke(app, ["alerts", "check"])
        again = runner.invoke(app, ["alerts", "check"])
    listed = runner.invoke(app, ["alerts", "list"])

    assert checked.exit_code == 1  # firing
    assert "[FIRING] critical stale_data:market_data.ohlcv" in checked.output
    assert "1 alert(s) firing, 1 changed, 1 delivered" in checked.output
    assert "1 alert(s) firing, 1 changed, 0 delivered" in again.output  # last_seen only
    assert len(hook.bodies) == 1
    assert "firing" in listed.output
    assert "stale_data:" in listed.output


def test_test_sends_through_the_configured_webhook_and_fails_without_a_channel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unconfigured = runner.invoke(app, ["alerts", "test"])
    with WebhookSink() as hook:
        monkeypatch.setenv("TETRA_ALERTS__WEBHOOK_URL", hook.url)
        monkeypatch.setenv("TETRA_ALERTS__WEBHOOK_FORMAT", "slack")
        sent = runner.invoke(app, ["alerts", "test"])

    assert unconfigured.exit_code == 1
    assert "no alert channel configured" in unconfigured.output
    assert sent.exit_code == 0, sent.output
    assert hook.bodies == [{"text": "[FIRING] warning test:tetra: a test alert"}]


def test_after_run_checks_alerts_and_backs_up_the_live_store(data_dir: Path) -> None:
    done = runner.invoke(app, ["schedule", "after-run"])

    assert done.exit_code == 0, done.output
    assert "alerts: 1 firing" in done.output
    (backup,) = (data_dir / "backups").iterdir()
    assert (backup / "manifest.json").is_file()


def test_health_fails_without_a_recent_run_and_names_each_check() -> None:
    checked = runner.invoke(app, ["alerts", "health"])

    assert checked.exit_code == 1
    assert "ok store: schema v" in checked.output
    assert "FAIL pipeline: no finished pipeline run yet" in checked.output
    assert "ok alerts: no critical alert firing" in checked.output
