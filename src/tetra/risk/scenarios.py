"""Monte Carlo VaR and scenario losses: the interface the simulator (Issue 10) will fill.

What exists now is the arithmetic on paths that someone else produces:

- `ReturnPaths` is the port a simulator implements: given history, it draws joint return
  paths (paths x horizon x symbols). `tetra.simulation.return_paths.ModelReturnPaths`
  implements it with the simulator's market models (bootstrap, GBM, Merton, GARCH, regimes).
- `monte_carlo_var` turns such paths and a book into a VaR/CVaR labelled ``monte_carlo``.
- `scenario_loss` applies a named shock (a return per symbol, e.g. a replayed crisis window)
  to a book.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tetra.core.errors import ValidationError
from tetra.risk.var import RiskEstimate, VarMethod, value_at_risk


class ReturnPaths(Protocol):
    """Draws simulated joint returns; the simulator's Monte Carlo implements this.

    `draw(history, horizon, paths, seed)` takes a (T, N) history of simple returns and
    returns a (paths, horizon, N) array of simulated simple returns, reproducibly for a seed.
    """

    def draw(self, history: np.ndarray, horizon: int, paths: int, seed: int) -> np.ndarray: ...


def monte_carlo_var(
    simulated: np.ndarray, weights: np.ndarray, *, confidence: float = 0.95
) -> RiskEstimate:
    """Return VaR/CVaR of a book over simulated paths (paths, horizon, N), method monte_carlo."""
    paths = np.asarray(simulated, dtype=np.float64)
    if paths.ndim != 3 or paths.shape[2] != np.asarray(weights).shape[0]:
        raise ValidationError(f"simulated paths have shape {paths.shape}, not (P, H, N)")
    book = np.prod(1.0 + np.nan_to_num(paths) @ np.nan_to_num(weights), axis=1) - 1.0
    estimate = value_at_risk(book, confidence=confidence, method=VarMethod.MONTE_CARLO)
    return RiskEstimate(
        VarMethod.MONTE_CARLO, confidence, paths.shape[1], estimate.var, estimate.cvar, book.size
    )


@dataclass(frozen=True, slots=True)
class ScenarioLoss:
    """A named shock's effect on a book: the loss fraction and the worst holdings."""

    scenario: str
    loss: float
    by_symbol: Mapping[str, float]


def scenario_loss(
    scenario: str, shock: Mapping[str, float], weights: Mapping[str, float]
) -> ScenarioLoss:
    """Apply `shock` (return per symbol; missing = 0) to `weights`; loss is a positive fraction."""
    contributions = {s: -w * shock.get(s, 0.0) for s, w in weights.items()}
    return ScenarioLoss(scenario, float(sum(contributions.values())), contributions)


def scenario_losses(
    shocks: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]
) -> Sequence[ScenarioLoss]:
    """Apply every named shock; worst first."""
    losses = [scenario_loss(name, shock, weights) for name, shock in shocks.items()]
    return sorted(losses, key=lambda loss: loss.loss, reverse=True)
