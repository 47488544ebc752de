"""`tetra simulate` on a small sample store: each command, what it stores, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tetra.adapters.stores import open_store
from tetra.cli.simulate import app
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(simulation_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TETRA_DATA_DIR", str(simulation_data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("TETRA_STORE_URL", "TETRA_SAMPLE_STORE_URL", "TETRA_RAY__ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    return simulation_data_dir


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def stored(data_dir: Path, table: str, run_id: str) -> int:
    store = open_store(str(data_dir / "sample.duckdb"), StoreKind.SAMPLE)
    try:
        return len(store.read(Query(f"simulation.{table}", where={"run_id": run_id})))
    finally:
        store.close()


def run_id_of(output: str) -> str:
    return output.split("saved simulation ")[1].split()[0]


def test_montecarlo_prints_distributions_and_stores_every_path(data_dir: Path) -> None:
    output = invoke(
        "montecarlo", "--strategy", "sma_crossover", "--param", "fast=10", "--param", "slow=30",
        "--symbols", "SPY,TLT,QQQ", "--paths", "12", "--bars", "100", "--seed", "3",
        "--shock", "halt:symbol=SPY,at=20,bars=3",
    )  # fmt: skip
    assert "P(loss)" in output
    assert "Fan chart" in output
    run_id = run_id_of(output)
    assert stored(data_dir, "outcomes", run_id) == 12
    assert stored(data_dir, "bands", run_id) == 101
    assert stored(data_dir, "runs", run_id) == 1
    assert stored(data_dir, "parameters", run_id) > 0


def test_stress_and_scenario_store_rows_per_holding(data_dir: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "mine"\nkind = "hypothetical"\n[shock]\nGLD = -0.3\n')
    output = invoke("stress", "--portfolio", "SPY=0.5,GLD=0.3", "--scenario-file", str(mine))
    assert "replay" in output
    assert "factor" in output
    run_id = run_id_of(output)
    shipped_and_mine = 11
    assert stored(data_dir, "scenario_results", run_id) == shipped_and_mine * 3
    output = invoke("scenario", "covid_crash", "--strategy", "buy_and_hold", "--symbols", "SPY,TLT")
    assert "COVID crash (replay" in output


def test_calibrate_and_paths(tmp_path: Path) -> None:
    output = invoke(
        "calibrate", "--model", "merton", "--symbols", "SPY,BTC", "--start", "2020-01-01"
    )
    assert "jumps_per_year" in output
    out = tmp_path / "paths.npz"
    invoke(
        "paths",
        "--model",
        "regime",
        "--symbols",
        "SPY,TLT",
        "--paths",
        "3",
        "--bars",
        "50",
        "--out",
        str(out),
    )
    with np.load(out) as saved:
        assert saved["close"].shape == (3, 50, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["montecarlo", "--portfolio", "SPY=1", "--symbols", "SPY", "--paths", "0"],
            "at least 1, not 0",
        ),
        (["calibrate", "--symbols", "SPY,NOPE"], "unknown symbol NOPE"),
        (
            ["calibrate", "--symbols", "SPY", "--start", "1990-01-01", "--end", "1990-12-31"],
            "no stored bars between 1990-01-01",
        ),
        (
            [
                "montecarlo",
                "--portfolio",
                "SPY=1",
                "--symbols",
                "SPY",
                "--shock",
                "gap:symbol=TLT,at=1,move=0.1",
            ],
            "names TLT, which is not among",
        ),
        (["stress", "--portfolio", "SPY=1", "--scenario", "nope"], "unknown scenario nope"),
        (
            [
                "montecarlo",
                "--strategy",
                "sma_crossover",
                "--param",
                "fast=50",
                "--param",
                "slow=10",
            ],
            "bad parameters for sma_crossover",
        ),
        (["calibrate", "--model", "heston"], "unknown market model 'heston'"),
    ],
)
def test_bad_input_exits_with_one_clear_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_a_sweep_reports_the_deflated_sharpe_ratio_of_its_best() -> None:
    from tetra.cli.backtest import app as backtest_app

    result = runner.invoke(
        backtest_app,
        [
            "sweep",
            "sma_crossover",
            "--symbols",
            "SPY,QQQ",
            "--grid",
            "fast=5,10,20",
            "--grid",
            "slow=50,100",
        ],
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "deflated Sharpe ratio of the best" in text
    assert "among 6 trials" in text
