"""Monte Carlo VaR over supplied paths, and named scenario losses."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.risk.scenarios import monte_carlo_var, scenario_losses
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
