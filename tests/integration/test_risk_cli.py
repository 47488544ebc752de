"""`tetra risk` on a small sample store: report, limits, check, kill switch, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_sample import load_small_sample
from typer.testing import CliRunner

from tetra.cli.risk import app
from tetra.data.pipeline import Step

runner = CliRunner()
SYMBOLS = ("SPY", "QQQ", "TLT", "GLD", "BTC", "NVDA")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years of six symbols (crypto included) in a sample store."""
    data_dir = tmp_path_factory.mktemp("risk-cli") / "data"
    return load_small_sample(data_dir, SYMBOLS, (Step.MARKET_DATA, Step.CRYPTO))


@pytest.fixture(autouse=True)
def data_dir(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TETRA_DATA_DIR", str(sample_dir))
    monkeypatch.delenv("TETRA_STORE_URL", raising=False)
    monkeypatch.delenv("TETRA_SAMPLE_STORE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    return sample_dir


def test_report_of_holdings_shows_every_part() -> None:
    result = runner.invoke(app, ["report", "--holdings", "SPY=0.4,TLT=0.3,BTC=0.25"])

    assert result.exit_code == 0, result.output
    for words in ("historical", "parametric (normal)", "Cornish-Fisher", "group: crypto",
                  "Limit usage", "position_weight", "SAMPLE DATA"):  # fmt: skip
        assert words in result.output
    assert "BTC" in result.output


def test_report_shows_a_labelled_monte_carlo_row_and_the_scenario_losses() -> None:
    args = ["report", "--holdings", "SPY=0.4,TLT=0.3,BTC=0.25", "--paths", "500", "--seed", "3"]

    first, again = runner.invoke(app, args), runner.invoke(app, args)

    assert first.exit_code == 0, first.output
    assert "Monte Carlo (bootstrap, 500 paths, seed 3)" in first.output
    assert "Scenario losses on the current holdings" in first.output
    for words in ("COVID crash", "Rates +200 bp", "hypothetical scenario", "factor"):
        assert words in first.output
    mc_row = next(line for line in first.output.splitlines() if "Monte Carlo (" in line)
    assert mc_row in again.output  # the same seed draws the same VaR


def test_report_without_simulation_and_a_bad_model() -> None:
    plain = runner.invoke(
        app, ["report", "--holdings", "SPY=0.5", "--paths", "0", "--no-scenarios"]
    )
    bad = runner.invoke(app, ["report", "--holdings", "SPY=0.5", "--model", "crystal_ball"])

    assert plain.exit_code == 0, plain.output
    assert "Monte Carlo" not in plain.output
    assert "Scenario losses" not in plain.output
    assert bad.exit_code == 2
    assert "unknown market model 'crystal_ball'" in bad.output


def test_report_of_a_strategy_final_book() -> None:
    result = runner.invoke(
        app, ["report", "--strategy", "momentum", "--symbols", "SPY,QQQ,TLT,GLD",
              "--param", "lookback=63", "--param", "top_n=2", "--horizon", "5"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Final book of momentum" in result.output
    assert "5-day value at risk" in result.output


def test_limits_shows_policy_and_usage(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("max_position_weight = 0.3\ngroup_caps = { crypto = 0.05 }\n")

    result = runner.invoke(app, ["limits", "--policy", str(policy), "--holdings", "BTC=0.1"])

    assert result.exit_code == 0, result.output
    assert "crypto 5%" in result.output
    assert "200%" in result.output  # BTC uses twice the crypto cap


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (["check", "SPY", "buy", "10"], 0, "ALLOWED"),
        (["check", "SPY", "buy", "10.5"], 3, "quantity_not_lot_multiple"),
        (["check", "SPY", "buy", "10", "--type", "limit", "--limit", "1"], 3, "price_outside_band"),
        (["check", "NVDA", "buy", "100000"], 3, "notional_above_max"),
        (
            ["check", "SPY", "sell", "10", "--holdings", "SPY=0.3", "--type", "stop"],
            3,
            "price_missing",
        ),
        (["check", "SPY", "buy", "ten"], 2, "not a number"),
    ],
)
def test_check_verdicts(args: list[str], exit_code: int, words: str) -> None:
    result = runner.invoke(app, args)

    assert result.exit_code == exit_code, result.output
    assert words in result.output


def test_kill_switch_halts_checks_until_released() -> None:
    on = runner.invoke(app, ["kill-switch", "on", "--scope", "core", "--reason", "review",
                             "--sample"])  # fmt: skip
    halted = runner.invoke(app, ["check", "SPY", "buy", "1", "--book", "core"])
    off = runner.invoke(app, ["kill-switch", "off", "--scope", "core", "--reason", "done",
                              "--sample"])  # fmt: skip
    active = runner.invoke(app, ["check", "SPY", "buy", "1", "--book", "core"])

    assert on.exit_code == 0, on.output
    assert "ENGAGED" in on.output
    assert halted.exit_code == 3
    assert "trading_halted" in halted.output
    assert "released" in off.output
    assert active.exit_code == 0, active.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "--holdings", "SPY=abc"], "SYMBOL=weight"),
        (["report", "--holdings", "ZZZ=0.5"], "ZZZ"),
        (["report", "--holdings", "SPY=0.5", "--strategy", "momentum"], "not both"),
        (["report", "--strategy", "nope"], "unknown strategy"),
        (["kill-switch", "on", "--sample"], "needs a reason"),
        (["kill-switch", "toggle"], "status, on or off"),
    ],
)
def test_bad_input_exits_2_with_a_clear_error(args: list[str], words: str) -> None:
    result = runner.invoke(app, args)

    assert result.exit_code == 2, result.output
    assert words in result.output


def test_bad_policy_file_names_the_field(tmp_path: Path) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text("max_gross_leverage = 1.0\nmax_net_leverage = 2.0\n")

    result = runner.invoke(app, ["limits", "--policy", str(policy)])

    assert result.exit_code == 2
    assert "max_net_leverage" in result.output
