"""The risk package's `ReturnPaths` port, implemented by the simulator's market models.

`ModelReturnPaths(model).draw(history, horizon, paths, seed)` calibrates the named model on
a (T, N) history of simple returns and returns (paths, horizon, N) simulated simple
returns, path i drawn from the same per-path generator as every simulator run
(`tetra.simulation.paths.path_rng`), so a seed reproduces the draw bit for bit. A returns
history has no bars: each day is rebuilt as a bar opening at the previous close, so the
models' OHLC and volume parts are neutral and only the moves matter. `risk.monte_carlo_var`
turns the draw into a VaR labelled ``monte_carlo``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.simulation.models import calibrate
from tetra.simulation.models.history import History, HistoryInfo
from tetra.simulation.paths import path_rng


@dataclass(frozen=True, slots=True)
class ModelReturnPaths:
    """Draw joint return paths from a market model calibrated on the given history."""

    model: str = "bootstrap"
    states: int = 2

    def draw(self, history: np.ndarray, horizon: int, paths: int, seed: int) -> np.ndarray:
        """Return (paths, horizon, N) simple returns (see the module docstring)."""
        if horizon < 1 or paths < 1:
            raise ValidationError(
                f"a draw needs a horizon and paths of at least 1, not {horizon}, {paths}"
            )
        fitted = calibrate(self.model, returns_history(history), states=self.states)
        drawn = np.empty((paths, horizon, history.shape[1]))
        start = np.log(fitted.info.last_close)
        for path in range(paths):
            close = fitted.simulate(max(horizon, 2), path_rng(seed, path)).close[:horizon]
            logs = np.vstack([start, np.log(close)])
            drawn[path] = np.expm1(np.diff(logs, axis=0))
        return drawn


def returns_history(returns: np.ndarray) -> History:
    """Return a `History` whose moves are log(1 + `returns`); rows with a NaN are dropped."""
    values = np.asarray(returns, dtype=np.float64)
    if values.ndim != 2:
        raise ValidationError(f"a returns history is (T, N), not of shape {values.shape}")
    values = values[np.isfinite(values).all(axis=1)]
    if np.any(values <= -1.0):
        raise ValidationError("a simple return of -100 % or worse cannot be simulated")
    move = np.log1p(values)
    symbols = tuple(f"asset{j}" for j in range(values.shape[1]))
    info = HistoryInfo(
        symbols, dt.date(2000, 1, 3), dt.date(2000, 1, 3), len(move), np.ones(len(symbols)), False
    )
    zeros = np.zeros_like(move)
    return History(
        info, move=move, gap=zeros, reach_up=np.maximum(move, 0.0),
        reach_down=np.minimum(move, 0.0), volume=np.ones_like(move),
    )  # fmt: skip
