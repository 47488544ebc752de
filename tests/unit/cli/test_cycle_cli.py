"""`tetra cycle` and `tetra report` on a small live DuckDB store with a declared book."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "cycle"))

from cycle_fixtures import market_rows

import tetra.cycle.report_runs as report_runs
from tetra.adapters.stores import open_store
from tetra.cli.main import app
from tetra.cycle import read_run
from tetra.data.store_kind import StoreKind
from tetra.monitoring.run_issues import run_issues
from tetra.portfolio import StoredBooks
from tetra.reports.delivery import ReportArchive

runner = CliRunner()
SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15]
CONFIG = """
[books.swing]
capital = 10000
symbols = ["SPY", "QQQ"]
mode = "recommend"
[[books.swing.strategies]]
strategy = "sma_crossover"
weight = 1
params = { fast = 2, slow = 4, allocation = 5000 }
"""


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TETRA_STORE_URL", raising=False)
    (tmp_path / "tetra.toml").write_text(CONFIG)
    (tmp_path / "data").mkdir()
    store = open_store(str(tmp_path / "data" / "tetra.duckdb"), StoreKind.LIVE)
    store.upsert("market_data.ohlcv", market_rows({"SPY": SPY, "QQQ": QQQ}))
    store.close()
    return tmp_path


def test_cycle_run_prints_the_orders_and_confirmed_holdings_change_them(live: Path) -> None:
    first = runner.invoke(app, ["cycle", "run", "--live"])
    confirmed = runner.invoke(
        app,
        [
            "cycle",
            "confirm",
            "--book",
            "swing",
            "--cash",
            "5000",
            "--position",
            "SPY=250@20",
            "--date",
            "2024-01-12",
            "--live",
        ],
    )
    again = runner.invoke(app, ["cycle", "run", "--live"])

    assert first.exit_code == 0, first.output
    assert "buy 250" in first.output
    assert confirmed.exit_code == 0, confirmed.output
    assert again.exit_code == 0, again.output
    assert "buy 250" not in again.output  # the confirmed SPY position is at its target
    assert "buy 454" in again.output  # QQQ still is not
    store = open_store(str(live / "data" / "tetra.duckdb"), StoreKind.LIVE)
    holdings = StoredBooks(store).holdings("swing")
    run = read_run(store, "swing", date(2024, 1, 12))
    store.close()
    assert holdings is not None
    assert holdings.cash == 5000
    assert run is not None
    assert run.equity == 10_000  # 5,000 cash + 250 SPY at 20


def test_report_writes_html_and_text_and_a_bad_book_is_one_clean_line(live: Path) -> None:
    written = runner.invoke(app, ["report", "sod", "--live", "--out", str(live / "out")])
    bad = runner.invoke(app, ["cycle", "run", "--live", "--book", "nobody"])

    assert written.exit_code == 0, written.output
    assert (live / "out" / "sod_swing_2024-01-12.html").exists()
    assert "BUY 250 SPY" in (live / "out" / "sod_swing_2024-01-12.txt").read_text()
    assert bad.exit_code == 1
    assert "no book named 'nobody'" in bad.output


def test_versions_list_what_changed_and_confirm_refuses_foreign_symbols(live: Path) -> None:
    first = runner.invoke(app, ["cycle", "versions", "--book", "swing", "--live"])
    (live / "tetra.toml").write_text(CONFIG.replace("capital = 10000", "capital = 12000"))
    second = runner.invoke(app, ["cycle", "versions", "--book", "swing", "--live"])
    foreign = runner.invoke(
        app,
        ["cycle", "confirm", "--book", "swing", "--cash", "1", "--position", "TSLA=1@2", "--live"],
    )
    (live / "tetra.toml").write_text(CONFIG.replace('"recommend"', '"paper"'))
    paper = runner.invoke(app, ["cycle", "confirm", "--book", "swing", "--cash", "1", "--live"])

    assert first.exit_code == 0, first.output
    assert "first" in first.output
    assert second.exit_code == 0, second.output
    assert "capital" in second.output
    assert foreign.exit_code != 0
    assert "TSLA not among the symbols of swing" in foreign.output
    assert paper.exit_code != 0
    assert "swing is a paper book" in paper.output


def test_a_report_run_that_raises_before_storing_is_listed_next_day_as_failed(
    live: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("chart renderer crashed")

    first = runner.invoke(app, ["report", "sod", "--live", "--date", "2024-01-10"])
    with monkeypatch.context() as patch:
        patch.setattr(report_runs, "build_report", crash)
        broken = runner.invoke(app, ["report", "sod", "--live", "--date", "2024-01-11"])
    after = runner.invoke(app, ["report", "sod", "--live", "--date", "2024-01-12"])
    rerun = runner.invoke(app, ["report", "sod", "--live", "--date", "2024-01-11"])
    store = open_store(str(live / "data" / "tetra.duckdb"), StoreKind.LIVE)
    report = ReportArchive(store).get("sod:swing:2024-01-12")
    left = run_issues(store, date(2024, 1, 8), date(2024, 1, 11), ["swing"])
    store.close()

    assert (first.exit_code, after.exit_code, rerun.exit_code) == (0, 0, 0), after.output
    assert broken.exit_code == 1
    assert "chart renderer crashed" in broken.output
    assert report is not None
    assert [(i.day, i.job, i.status, i.detail) for i in report.run_issues] == [
        (
            date(2024, 1, 11),
            "sod",
            "failed",
            "the SOD report of swing failed: RuntimeError: chart renderer crashed",
        )
    ]
    assert left == []  # the rerun stored the 11th's report: it supersedes the failure
