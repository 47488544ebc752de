"""The `tetra` command: help, demo, coverage and store info on a temporary data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tetra.cli.main import app
from tetra.data.migrations import LATEST_VERSION

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TETRA_STORE_URL", raising=False)
    monkeypatch.delenv("TETRA_SAMPLE_STORE_URL", raising=False)
    return tmp_path / "data"


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])

    assert result.exit_code == 0
    for command in ("demo", "universe", "sample", "store", "coverage"):
        assert command in result.output


def test_sample_load_then_coverage_reports_sample_bars(data_dir: Path) -> None:
    loaded = runner.invoke(app, ["sample", "load", "--years", "1"])
    shown = runner.invoke(app, ["coverage", "--sample"])

    assert loaded.exit_code == 0, loaded.output
    assert (data_dir / "sample.duckdb").exists()
    assert "SAMPLE DATA" in shown.output
    assert "crypto" in shown.output
    assert "151" in shown.output


def test_demo_twice_gives_the_same_coverage_and_the_same_risk_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "160")

    first = runner.invoke(app, ["demo"])
    second = runner.invoke(app, ["demo"])

    assert first.exit_code == 0, first.output
    table = [line for line in first.output.splitlines() if "sample" in line and "│" in line]
    again = [line for line in second.output.splitlines() if "sample" in line and "│" in line]
    assert table
    assert table == again
    for words in ("Monte Carlo (bootstrap, 500 paths, seed 0)",
                  "Scenario losses on the current holdings", "COVID crash", "factor"):  # fmt: skip
        assert words in first.output
    mc_row = next(line for line in first.output.splitlines() if "Monte Carlo (" in line)
    assert mc_row in second.output  # the demo's seed draws the same VaR


def test_live_store_starts_empty_and_says_what_to_do() -> None:
    result = runner.invoke(app, ["coverage", "--live"])

    assert result.exit_code == 0
    assert "no bars yet" in result.output


def test_store_info_shows_schema_version_and_tables() -> None:
    runner.invoke(app, ["store", "migrate", "--live"])
    result = runner.invoke(app, ["store", "info", "--live"])

    assert result.exit_code == 0
    assert f"schema v{LATEST_VERSION} " in result.output
    assert "market_data.ohlcv" in result.output


def test_bad_sample_end_date_is_a_clean_error() -> None:
    result = runner.invoke(app, ["sample", "load", "--end", "2025-13-01"])

    assert result.exit_code != 0
    assert "Traceback" not in result.output
