"""The scenario library behind the risk port: hand-checked losses, and a Monte Carlo VaR row."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_scenarios import two_asset_store

from tetra.risk.exposure import Book
from tetra.risk.report import History, ReportSettings, risk_report
from tetra.risk.scenarios import MonteCarlo, ScenarioStress
from tetra.simulation.return_paths import ModelReturnPaths
from tetra.simulation.scenarios import FACTOR, scenario_from_mapping
from tetra.simulation.scenarios.book_stress import LibraryStress

AS_OF = dt.date(2023, 7, 31)
CRASH = scenario_from_mapping(
    {"name": "crash", "title": "Crash", "kind": "hypothetical", "shock": {"SPY": -0.2, "TLT": 0.1}}
)
GOLD = scenario_from_mapping({"name": "gold", "kind": "hypothetical", "shock": {"GLD": -0.3}})


def test_a_two_asset_book_loses_what_the_betas_say() -> None:
    stress: ScenarioStress = LibraryStress(two_asset_store(), [CRASH])

    (loss,) = stress.losses({"A": 0.5, "B": 0.4}, 1_000_000.0, AS_OF)

    # by hand: A = 1.5 x SPY, B = 0.5 x TLT - 0.2 x SPY, so A moves -30 % and B +9 %;
    # the book: 0.5 x -30 % + 0.4 x 9 % = -11.4 % of 1,000,000
    assert (loss.method, loss.why) == (FACTOR, "hypothetical scenario")
    assert loss.loss == pytest.approx(0.114, abs=1e-9)
    assert loss.pnl == pytest.approx(-114_000.0, abs=1e-3)
    assert loss.worst == "A"
    assert loss.by_symbol == pytest.approx({"A": 0.15, "B": -0.036}, abs=1e-9)
    assert loss.returns == pytest.approx({"A": -0.30, "B": 0.09}, abs=1e-9)


def test_a_levered_book_loses_in_proportion() -> None:
    stress = LibraryStress(two_asset_store(), [CRASH])

    (loss,) = stress.losses({"A": 1.0, "B": 0.8}, 1_000_000.0, AS_OF)

    assert loss.loss == pytest.approx(0.228, abs=1e-9)
    assert loss.pnl == pytest.approx(-228_000.0, abs=1e-3)


def test_a_scenario_the_store_cannot_serve_is_unavailable_and_the_rest_still_apply() -> None:
    stress = LibraryStress(two_asset_store(), [GOLD, CRASH])

    gold, crash = stress.losses({"A": 0.5, "B": 0.4}, 1_000_000.0, AS_OF)

    assert (gold.method, gold.applied, gold.worst) == ("unavailable", False, None)
    assert "GLD" in gold.why
    assert crash.applied
    assert crash.loss == pytest.approx(0.114, abs=1e-9)


@pytest.fixture(scope="module")
def history() -> History:
    rng = np.random.default_rng(8)
    returns = rng.standard_t(4, size=(750, 2)) * np.array([0.01, 0.006])
    close = 100 * np.cumprod(1 + returns, axis=0)
    return History(np.datetime64("2021-01-01") + np.arange(750), ("SPY", "TLT"), close)


def _report_var(history: History, seed: int, paths: int = 1_000) -> float:
    book = Book.from_weights({"SPY": 0.6, "TLT": 0.4})
    simulated = MonteCarlo(ModelReturnPaths("bootstrap"), "bootstrap", paths, seed)
    report = risk_report(book, history, settings=ReportSettings(lookback=750),
                         monte_carlo=simulated)  # fmt: skip
    assert report.monte_carlo is not None
    assert report.monte_carlo.describe() == f"Monte Carlo (bootstrap, {paths:,} paths, seed {seed})"
    assert report.monte_carlo.estimate.observations == paths
    return report.monte_carlo.estimate.var


def test_the_report_s_monte_carlo_var_repeats_for_a_seed_and_sits_in_the_history_s_tail(
    history: History,
) -> None:
    first = _report_var(history, seed=3)

    assert _report_var(history, seed=3) == first
    assert _report_var(history, seed=4) != first
    # a one-day bootstrap draws the book's own days, so the 5 % quantile of 1,000 draws is
    # the history's quantile at 5 % +- 0.7 % (one standard error): between 2 % and 8 % is
    # more than four standard errors either side
    book = np.diff(history.close, axis=0) / history.close[:-1] @ np.array([0.6, 0.4])
    assert -np.quantile(book, 0.08) < first < -np.quantile(book, 0.02)
