"""`tetra pipeline` on the sample source: runs, summaries, exit codes and clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tetra.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path / "data"))
    for name in ("TETRA_STORE_URL", "TETRA_SAMPLE_STORE_URL", "TETRA_POLYGON__API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["pipeline", *args])
    return result.exit_code, result.output


def test_backfill_of_a_few_symbols_succeeds_and_summarises(data_dir: Path) -> None:
    code, output = invoke(
        "--mode",
        "backfill",
        "--days",
        "30",
        "--source",
        "sample",
        "--symbols",
        "SPY,BTC",
        "--skip-steps",
        "news_sentiment",
        "--skip-steps",
        "event_data",
    )

    assert code == 0, output
    assert "success" in output
    assert "market_data" in output
    assert "crypto" in output
    assert (data_dir / "sample.duckdb").exists()


def test_backfill_by_dates_then_rerun_resumes(data_dir: Path) -> None:
    args = (
        "--mode",
        "backfill",
        "--start-date",
        "2025-12-01",
        "--end-date",
        "2025-12-31",
        "--source",
        "sample",
        "--symbols",
        "AAPL",
        "--steps",
        "market_data",
    )
    invoke(*args)

    code, output = invoke(*args)

    assert code == 0, output
    assert "│       1 │" in output  # one resumed symbol in the summary


def test_unknown_step_is_a_usage_error_naming_the_valid_steps() -> None:
    code, output = invoke("--mode", "daily", "--source", "sample", "--skip-steps", "news")

    assert code == 2
    assert "valid: market_data" in output


def test_backfill_without_range_is_a_usage_error() -> None:
    code, output = invoke("--mode", "backfill", "--source", "sample")

    assert code == 2
    assert "--days N or --start-date" in output


def test_unknown_symbol_is_a_clean_error() -> None:
    code, output = invoke("--mode", "daily", "--source", "sample", "--symbols", "NOPE")

    assert code == 1
    assert "NOPE" in output
    assert "Traceback" not in output


def test_polygon_without_a_key_says_which_setting_is_missing() -> None:
    code, output = invoke("--mode", "daily", "--source", "polygon", "--symbols", "SPY")

    assert code == 1
    assert "TETRA_POLYGON__API_KEY" in output


def test_log_file_receives_one_line_per_ingest(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "daily.log"

    invoke("--mode", "daily", "--source", "sample", "--symbols", "SPY", "--log-file", str(log_file))

    assert "sample market_data.ohlcv SPY" in log_file.read_text()
