"""The simulator implements the risk package's ReturnPaths port: seeded draws, VaR from them."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.risk.scenarios import ReturnPaths, monte_carlo_var
from tetra.risk.var import VarMethod, value_at_risk
from tetra.simulation.return_paths import ModelReturnPaths

HISTORY = np.random.default_rng(3).multivariate_normal(
    [0.0003, 0.0001], [[1e-4, 3e-5], [3e-5, 4e-5]], size=1_500
)


@pytest.mark.parametrize("model", ["bootstrap", "gbm", "garch"])
def test_draws_have_the_port_s_shape_and_repeat_for_a_seed(model: str) -> None:
    paths: ReturnPaths = ModelReturnPaths(model)
    first = paths.draw(HISTORY, horizon=5, paths=50, seed=9)
    assert first.shape == (50, 5, 2)
    assert np.array_equal(first, paths.draw(HISTORY, horizon=5, paths=50, seed=9))
    assert not np.array_equal(first, paths.draw(HISTORY, horizon=5, paths=50, seed=10))


def test_monte_carlo_var_of_gbm_draws_agrees_with_the_historical_var() -> None:
    weights = np.array([0.6, 0.4])
    drawn = ModelReturnPaths("gbm").draw(HISTORY, horizon=1, paths=20_000, seed=1)
    simulated = monte_carlo_var(drawn, weights, confidence=0.95)
    historical = value_at_risk(HISTORY @ weights, confidence=0.95, method=VarMethod.HISTORICAL)
    assert simulated.method is VarMethod.MONTE_CARLO
    assert simulated.var == pytest.approx(historical.var, rel=0.1)


def test_bootstrap_draws_are_days_of_the_history() -> None:
    drawn = ModelReturnPaths("bootstrap").draw(HISTORY, horizon=3, paths=20, seed=2)
    rows = {tuple(np.round(r, 12)) for r in HISTORY}
    assert all(tuple(np.round(day, 12)) in rows for day in drawn.reshape(-1, 2))


def test_bad_histories_are_clear_errors() -> None:
    with pytest.raises(ValidationError, match="not of shape"):
        ModelReturnPaths().draw(np.zeros(10), 1, 1, 0)
    with pytest.raises(ValidationError, match="-100 %"):
        ModelReturnPaths().draw(np.full((50, 2), -1.0), 1, 1, 0)
    with pytest.raises(ValidationError, match="at least 1"):
        ModelReturnPaths().draw(HISTORY, 0, 1, 0)
