"""Monte Carlo VaR over supplied paths, and named scenario losses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.risk.exposure import Book
from tetra.risk.report import History, risk_report
from tetra.risk.scenarios import (
    MonteCarlo,
    ScenarioLoss,
    monte_carlo_var,
    scenario_loss,
    scenario_losses,
)
from tetra.risk.var import VarMethod


def test_monte_carlo_var_compounds_each_path() -> None:
    rng = np.random.default_rng(4)
    paths = rng.normal(0, 0.01, (5000, 5, 2))
    weights = np.array([0.6, 0.4])
    book = np.prod(1 + paths @ weights, axis=1) - 1

    estimate = monte_carlo_var(paths, weights, confidence=0.99)

    assert estimate.method is VarMethod.MONTE_CARLO
    assert estimate.horizon == 5
    assert estimate.var == pytest.approx(-np.quantile(book, 0.01))


def test_monte_carlo_refuses_misshapen_paths() -> None:
    with pytest.raises(ValidationError, match="shape"):
        monte_carlo_var(np.zeros((10, 2)), np.ones(2))


def test_scenario_losses_worst_first() -> None:
    weights = {"SPY": 0.6, "TLT": 0.4}
    shocks = {"equity crash": {"SPY": -0.2, "TLT": 0.05}, "rates up": {"TLT": -0.1}}

    losses = scenario_losses(shocks, weights)

    assert [loss.scenario for loss in losses] == ["equity crash", "rates up"]
    assert losses[0].loss == pytest.approx(0.12 - 0.02)
    assert losses[1].by_symbol == {"SPY": -0.0, "TLT": pytest.approx(0.04)}


class FixedPaths:
    """A ReturnPaths fake: the same paths whatever it is asked, remembering the request."""

    def __init__(self, paths: np.ndarray) -> None:
        self.paths = paths
        self.asked: tuple[int, int, int] | None = None

    def draw(self, history: np.ndarray, horizon: int, paths: int, seed: int) -> np.ndarray:
        self.asked = (horizon, paths, seed)
        return self.paths


def test_monte_carlo_asks_its_generator_for_the_draw_and_labels_the_result() -> None:
    # 100 one-day paths of one asset losing 0 %, 1 %, ..., 99 %: at 95 % the 5th-worst
    generator = FixedPaths(-np.arange(100.0).reshape(100, 1, 1) / 100)
    simulated = MonteCarlo(generator, "fixed", paths=100, seed=5)

    result = simulated.var(np.zeros((10, 1)), np.ones(1), confidence=0.95, horizon=1)

    assert generator.asked == (1, 100, 5)
    assert result.describe() == "Monte Carlo (fixed, 100 paths, seed 5)"
    assert result.estimate.var == pytest.approx(-np.quantile(-np.arange(100) / 100, 0.05))
    assert 0.94 <= result.estimate.var <= 0.95
    with pytest.raises(ValidationError, match="at least 100 paths"):
        MonteCarlo(generator, "fixed", paths=99)


class RecordingStress:
    def __init__(self) -> None:
        self.asked: tuple[dict[str, float], float, dt.date] | None = None

    def losses(
        self, weights: Mapping[str, float], value: float, as_of: dt.date
    ) -> Sequence[ScenarioLoss]:
        self.asked = (dict(weights), value, as_of)
        return [scenario_loss("all down", {"SPY": -0.1, "TLT": -0.2}, weights)]


def test_the_report_hands_the_held_book_to_the_stress_port_and_keeps_its_rows() -> None:
    closes = 100 * np.cumprod(1 + np.random.default_rng(1).normal(0, 0.01, (60, 2)), axis=0)
    history = History(np.datetime64("2024-01-01") + np.arange(60), ("SPY", "TLT"), closes)
    stress = RecordingStress()

    report = risk_report(Book.from_weights({"SPY": 0.5, "TLT": 0.3}, 2e6), history, stress=stress)

    assert stress.asked == ({"SPY": 0.5, "TLT": 0.3}, 2e6, dt.date(2024, 2, 29))
    (loss,) = report.scenarios
    assert loss.loss == pytest.approx(0.11)
    assert loss.worst == "TLT"
    assert report.monte_carlo is None


class FailingPaths:
    def draw(self, history: np.ndarray, horizon: int, paths: int, seed: int) -> np.ndarray:
        raise ValidationError("too little history to fit the model")


def test_a_monte_carlo_draw_that_fails_leaves_the_row_out_and_says_why() -> None:
    closes = 100 * np.cumprod(1 + np.random.default_rng(2).normal(0, 0.01, (60, 1)), axis=0)
    history = History(np.datetime64("2024-01-01") + np.arange(60), ("SPY",), closes)

    report = risk_report(Book.from_weights({"SPY": 0.5}), history,
                         monte_carlo=MonteCarlo(FailingPaths(), "regime"))  # fmt: skip

    assert report.monte_carlo is None
    assert report.notes == (
        "Monte Carlo (regime, 1,000 paths, seed 0) not shown: too little history to fit the model",
    )
    assert len(report.estimates) == 3
