"""Monte Carlo VaR and scenario losses: the ports the simulator fills, and their arithmetic.

Risk sits below the simulator, so it defines what it needs and the composition roots (CLI,
API) plug the simulator's implementations in:

- `ReturnPaths` is the port a simulator implements: given history, it draws joint return
  paths (paths x horizon x symbols). `tetra.simulation.return_paths.ModelReturnPaths`
  implements it with the simulator's market models (bootstrap, GBM, Merton, GARCH, regimes).
- `monte_carlo_var` turns such paths and a book into a VaR/CVaR labelled ``monte_carlo``;
  `MonteCarlo` is a generator with the draw a report asks of it (model label, paths, seed).
- `ScenarioStress` is the port that applies named scenarios to a book;
  `tetra.simulation.scenarios.book_stress.LibraryStress` implements it with the scenario
  library (replay from the store, or factor shock). `scenario_loss` applies a plain named
  shock (a return per symbol) to a book.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class MonteCarlo:
    """A `ReturnPaths` generator and the draw a report asks of it, labelled with its model."""

    generator: ReturnPaths
    model: str
    paths: int = 1_000
    seed: int = 0

    def __post_init__(self) -> None:
        if self.paths < 100:
            raise ValidationError(f"Monte Carlo VaR needs at least 100 paths, not {self.paths}")

    def var(
        self, history: np.ndarray, weights: np.ndarray, *, confidence: float, horizon: int
    ) -> MonteCarloVar:
        """Draw `paths` paths of `horizon` bars from `history` (T, N) and return their VaR."""
        drawn = self.generator.draw(history, horizon, self.paths, self.seed)
        estimate = monte_carlo_var(drawn, weights, confidence=confidence)
        return MonteCarloVar(estimate, self.model, self.paths, self.seed)

    def describe(self) -> str:
        """Return e.g. 'Monte Carlo (bootstrap, 1,000 paths, seed 0)'."""
        return _monte_carlo_label(self.model, self.paths, self.seed)


@dataclass(frozen=True, slots=True)
class MonteCarloVar:
    """A Monte Carlo VaR/CVaR with what produced it: the model, the paths and the seed."""

    estimate: RiskEstimate
    model: str
    paths: int
    seed: int

    def describe(self) -> str:
        """Return e.g. 'Monte Carlo (bootstrap, 1,000 paths, seed 0)'."""
        return _monte_carlo_label(self.model, self.paths, self.seed)


def _monte_carlo_label(model: str, paths: int, seed: int) -> str:
    return f"Monte Carlo ({model}, {paths:,} paths, seed {seed})"


@dataclass(frozen=True, slots=True)
class ScenarioLoss:
    """A named shock's effect on a book: the loss fraction and each holding's share of it.

    `loss` and `by_symbol` are positive for losses, as fractions of the book's value; `pnl`
    is the signed money result (negative = a loss). `method` says how the shock was applied
    (``shock`` for a plain mapping, ``replay`` or ``factor`` from the simulator, or
    ``unavailable`` with NaN numbers) and `why` says why that method.
    """

    scenario: str
    loss: float
    by_symbol: Mapping[str, float]
    title: str = ""
    method: str = "shock"
    why: str = ""
    pnl: float = math.nan
    returns: Mapping[str, float] = field(default_factory=dict)

    @property
    def applied(self) -> bool:
        return math.isfinite(self.loss)

    @property
    def worst(self) -> str | None:
        """Return the holding that loses the most (None when nothing was applied)."""
        if not self.by_symbol:
            return None
        return max(self.by_symbol, key=lambda symbol: self.by_symbol[symbol])


class ScenarioStress(Protocol):
    """Applies named scenarios to a book; the simulator's scenario library implements this.

    `losses(weights, value, as_of)` takes weights of `value` by symbol (the rest is cash)
    and the day the book is valued, and returns one `ScenarioLoss` per scenario, in the
    implementation's order. A scenario it cannot apply (data missing) comes back with
    method ``unavailable`` and the reason in `why`; it never raises for one scenario.
    """

    def losses(
        self, weights: Mapping[str, float], value: float, as_of: dt.date
    ) -> Sequence[ScenarioLoss]: ...


def unavailable(scenario: str, title: str, why: str) -> ScenarioLoss:
    """Return the row of a scenario that could not be applied, and why."""
    return ScenarioLoss(scenario, math.nan, {}, title, "unavailable", why)


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
