"""`tetra backtest` on a small sample store: run, sweep, walk-forward, list, bad parameters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from small_sample import load_small_sample
from typer.testing import CliRunner

from tetra.adapters.stores import open_store
from tetra.cli.backtest import app
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind

runner = CliRunner()
SYMBOLS = ("SPY", "QQQ", "AAPL")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample store with two years of three symbols, loaded through the pipeline."""
    return load_small_sample(tmp_path_factory.mktemp("backtest-cli") / "data", SYMBOLS)


@pytest.fixture(autouse=True)
def data_dir(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TETRA_DATA_DIR", str(sample_dir))
    monkeypatch.delenv("TETRA_STORE_URL", raising=False)
    monkeypatch.delenv("TETRA_SAMPLE_STORE_URL", raising=False)
    return sample_dir


def test_run_prints_metrics_writes_a_labelled_report_and_saves_the_run(
    data_dir: Path, tmp_path: Path
) -> None:
    report = tmp_path / "out.html"

    result = runner.invoke(
        app,
        ["run", "sma_crossover", "--symbols", "SPY,QQQ", "--start", "2024-01-01",
         "--end", "2025-12-31", "--param", "fast=10", "--param", "slow=30",
         "--commission-bps", "1", "--report", str(report)],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "sharpe_ratio" in result.output
    assert "max_drawdown" in result.output
    assert "SAMPLE DATA" in result.output
    assert "SAMPLE DATA (synthetic)" in report.read_text(encoding="utf-8")
    run_id = result.output.split("saved run ")[1].split()[0]
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        runs = store.read(Query("strategies.runs", where={"run_id": run_id}))
    assert list(runs["mode"]) == ["backtest"]


def test_run_with_stops_under_a_risk_policy_prints_and_stores_its_interventions(
    data_dir: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("max_position_weight = 0.3\nmax_drawdown = 0.03\npersistence = 1\n")

    result = runner.invoke(
        app,
        ["run", "sma_crossover", "--symbols", "SPY,QQQ,AAPL", "--start", "2024-01-01",
         "--end", "2025-12-31", "--param", "fast=5", "--param", "slow=20",
         "--stop-loss", "3%", "--trailing-stop", "2.5atr", "--risk-policy", str(policy)],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Risk interventions" in result.output
    assert "resized" in result.output
    run_id = result.output.split("saved run ")[1].split()[0]
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        runs = store.read(Query("strategies.runs", where={"run_id": run_id}))
        trades = store.read(Query("strategies.trades", where={"run_id": run_id}))
    params = runs["params"].iloc[0]
    params = json.loads(params) if isinstance(params, str) else params
    assert params["exits"] == {"stop_loss": 0.03, "trailing_stop_atr": 2.5, "atr_window": 14,
                               "both_touched": "stop"}  # fmt: skip
    assert params["risk_policy"]["max_drawdown"] == 0.03
    assert params["interventions_total"] >= len(params["interventions"]) > 0
    assert {"stop_loss", "trailing_stop"} & set(trades["exit_reason"].dropna())


def test_run_with_sizing_sizes_entries_and_stores_the_policy(data_dir: Path) -> None:
    args = ["run", "sma_crossover", "--symbols", "SPY,QQQ", "--start", "2024-01-01",
            "--end", "2025-12-31", "--param", "fast=5", "--param", "slow=20"]  # fmt: skip

    sized = runner.invoke(app, [*args, "--sizing", "volatility_target:target=0.05,lookback=20"])
    unsized = runner.invoke(app, [*args, "--no-save"])

    assert sized.exit_code == 0, sized.output
    assert "sized by volatility_target(target=0.05, lookback=20)" in sized.output
    assert sized.output.split("Last")[1] != unsized.output.split("Last")[1]  # other trades
    run_id = sized.output.split("saved run ")[1].split()[0]
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        runs = store.read(Query("strategies.runs", where={"run_id": run_id}))
    params = runs["params"].iloc[0]
    params = json.loads(params) if isinstance(params, str) else params
    assert params["sizing"] == {"method": "volatility_target", "target": 0.05, "lookback": 20}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--sizing", "volatility_target"], "--sizing: target: volatility_target needs target"),
        (["--sizing", "kelly:risk=0.1"], "kelly does not use risk"),
        (["--stop-loss", "five"], "--stop-loss 'five' is not 5%, 0.05 or 2atr"),
        (["--take-profit", "-3%"], "take_profit"),
        (["--risk-policy", "missing.toml"], "cannot read the policy"),
        (["--both-touched", "worst"], "--both-touched"),
    ],
)
def test_bad_exits_or_policy_exit_2_with_a_clear_message(options: list[str], message: str) -> None:
    result = runner.invoke(app, ["run", "sma_crossover", "--symbols", "SPY", "--no-save", *options])

    assert result.exit_code == 2, result.output
    assert message in result.output


def test_run_with_no_save_stores_nothing_new(data_dir: Path) -> None:
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        before = store.count("strategies.runs")

    result = runner.invoke(app, ["run", "buy_and_hold", "--symbols", "SPY", "--no-save"])

    assert result.exit_code == 0, result.output
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        assert store.count("strategies.runs") == before


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (["--param", "fast=30", "--param", "slow=10"], "must be shorter than slow"),
        (["--param", "fast=ten"], "fast"),
        (["--param", "fats=3"], "fats"),
        (["--param", "fast"], "expected name=value"),
    ],
)
def test_bad_params_exit_2_with_the_validation_message(params: list[str], message: str) -> None:
    result = runner.invoke(app, ["run", "sma_crossover", "--no-save", *params])

    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_strategy_exits_2_listing_the_known_ones() -> None:
    result = runner.invoke(app, ["run", "astrology", "--no-save"])

    assert result.exit_code == 2
    assert "sma_crossover" in result.output


def test_sweep_prints_the_ranked_table_and_a_heatmap() -> None:
    result = runner.invoke(
        app,
        ["sweep", "sma_crossover", "--symbols", "SPY,QQQ,AAPL", "--grid", "fast=5,10,40",
         "--grid", "slow=20,50", "--workers", "2"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Top 5 of 5 by sharpe_ratio" in result.output
    assert "skipped 1 invalid combinations" in result.output
    assert "fast \\ slow" in result.output


def test_walk_forward_prints_folds_and_out_of_sample_metrics() -> None:
    result = runner.invoke(
        app,
        ["walk-forward", "sma_crossover", "--symbols", "SPY,QQQ", "--grid", "fast=5,10",
         "--grid", "slow=30", "--train", "200", "--test", "100", "--anchored"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Walk-forward folds" in result.output
    assert "Out-of-sample" in result.output
    assert "saved run walk_forward-" in result.output


def test_sweep_with_sizing_sizes_every_combination() -> None:
    args = ["sweep", "sma_crossover", "--symbols", "SPY,QQQ", "--grid", "fast=5,10",
            "--grid", "slow=30", "--workers", "1"]  # fmt: skip

    sized = runner.invoke(app, [*args, "--sizing", "fixed_fractional:fraction=0.25"])
    unsized = runner.invoke(app, args)

    assert sized.exit_code == 0, sized.output
    assert "Top 2 of 2 by sharpe_ratio" in sized.output
    assert sized.output.split("Top")[1] != unsized.output.split("Top")[1]  # other numbers


def test_walk_forward_with_sizing_stores_the_policy(data_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["walk-forward", "sma_crossover", "--symbols", "SPY,QQQ", "--grid", "fast=5,10",
         "--grid", "slow=30", "--train", "200", "--test", "100", "--workers", "1",
         "--sizing", "fixed_fractional:fraction=0.25"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    run_id = result.output.split("saved run ")[1].split()[0]
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        runs = store.read(Query("strategies.runs", where={"run_id": run_id}))
    params = runs["params"].iloc[0]
    params = json.loads(params) if isinstance(params, str) else params
    assert params["sizing"] == {"method": "fixed_fractional", "fraction": 0.25}


@pytest.mark.parametrize("command", ["sweep", "walk-forward"])
def test_a_bad_sizing_on_a_sweep_or_walk_forward_exits_2(command: str) -> None:
    args = [command, "sma_crossover", "--symbols", "SPY", "--grid", "fast=5"]

    result = runner.invoke(app, [*args, "--sizing", "volatility_target"])

    assert result.exit_code == 2, result.output
    assert "--sizing: target: volatility_target needs target" in result.output


def test_list_shows_every_registered_strategy_with_defaults() -> None:
    result = runner.invoke(app, ["list"])

    assert result.exit_code == 0
    for name in ("sma_crossover", "buy_and_hold", "momentum"):
        assert name in result.output
    assert "fast=20" in result.output


def test_live_store_without_bars_is_a_clean_error() -> None:
    result = runner.invoke(app, ["run", "sma_crossover", "--live", "--no-save"])

    assert result.exit_code == 1
    assert "no bars" in result.output
    assert "Traceback" not in result.output


def test_dates_are_checked_before_anything_runs() -> None:
    result = runner.invoke(app, ["run", "sma_crossover", "--start", "2024-13-01", "--no-save"])

    assert result.exit_code == 2
    assert "month must be in 1..12" in result.output


def test_a_group_backtest_enters_members_only_while_in_and_closes_a_leaver_at_the_next_open(
    data_dir: Path,
) -> None:
    # a made-up history over the store's symbols: SPY in the crypto group until Sunday
    # 2024-06-30, QQQ in from Monday 2024-07-01 (Monday's close is the first to know both)
    history = pd.DataFrame(
        [("crypto", "SPY", dt.date(2016, 1, 1), dt.date(2024, 6, 30), None, "test", "sample"),
         ("crypto", "QQQ", dt.date(2024, 7, 1), None, 1, "test", "sample")],
        columns=["universe_group", "symbol", "valid_from", "valid_to", "rank", "reason", "source"],
    )  # fmt: skip
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        store.upsert("market_data.universe_membership", history)
    try:
        result = runner.invoke(
            app,
            ["run", "buy_and_hold", "--symbols", "@crypto", "--param", "rebalance=1",
             "--start", "2024-03-01", "--end", "2025-06-30"],
        )  # fmt: skip
        run_id = result.output.split("saved run ")[1].split()[0]
        with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
            trades = store.read(Query("strategies.trades", where={"run_id": run_id}))
            runs = store.read(Query("strategies.runs", where={"run_id": run_id}))
    finally:
        with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
            store.delete(Query("market_data.universe_membership", where={"reason": "test"}))

    assert result.exit_code == 0, result.output
    printed = " ".join(result.output.split())  # rich wraps long lines
    assert "entries while a member of @crypto on QQQ, SPY" in printed
    entries = trades.groupby("symbol")["entry_ts"].agg(["min", "max"])
    assert entries.loc["QQQ", "min"].date() == dt.date(2024, 7, 2)  # the open after joining
    assert entries.loc["SPY", "max"].date() <= dt.date(2024, 7, 1)  # none after leaving
    spy = trades[trades["symbol"] == "SPY"]
    assert spy["exit_ts"].notna().all()
    assert spy["exit_ts"].max().date() == dt.date(2024, 7, 2)  # out on the 1st: sold at the open
    assert json.loads(runs["params"].iloc[0])["membership"]["spans"]["QQQ"] == [
        ["2024-07-01", None]
    ]


def test_a_group_without_a_recorded_history_takes_the_configured_list_and_says_so() -> None:
    result = runner.invoke(
        app, ["run", "buy_and_hold", "--symbols", "@crypto,SPY", "--start", "2024-03-01",
              "--end", "2024-06-30", "--no-save"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    printed = " ".join(result.output.split())  # rich wraps long lines
    assert "rebalance=None) on SPY" in printed  # not wrapped: nothing joins or leaves
    assert "no membership history is recorded for @crypto" in printed
    assert "left out, with no bars" in printed  # the sample store here holds no coins
