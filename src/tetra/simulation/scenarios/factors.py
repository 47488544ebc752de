"""Betas of holdings to factor proxies, and a scenario's shock carried through them.

A holding's daily simple return is regressed on the proxies' (ordinary least squares with
an intercept) over the rows every one of them trades (`tetra.simulation.models.history`:
crypto's weekend moves fold into Monday); its scenario return is ``sum(beta * shock)``
over the proxies, floored at -100 %. That is a first-order answer: it ignores the
intercept (a scenario is a move, not a period of carry) and the convexity of large
moves, and each run says it used this method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation.models.history import history_of

MIN_ROWS = 60


@dataclass(frozen=True, slots=True)
class Betas:
    """Betas (holdings x proxies), each holding's R squared, and the rows they came from."""

    holdings: tuple[str, ...]
    proxies: tuple[str, ...]
    values: np.ndarray
    r_squared: np.ndarray
    rows: int

    def of(self, holding: str) -> dict[str, float]:
        row = self.holdings.index(holding)
        return {p: float(b) for p, b in zip(self.proxies, self.values[row], strict=True)}

    def shocked(self, shock: dict[str, float]) -> np.ndarray:
        """Return each holding's return under `shock` (proxy -> move), floored at -1."""
        moves = np.array([shock.get(p, 0.0) for p in self.proxies])
        returns: np.ndarray = np.maximum(self.values @ moves, -1.0)
        return returns


def estimate_betas(market: MarketData, holdings: list[str], proxies: list[str]) -> Betas:
    """Regress each holding on the proxies over the panel's common rows."""
    if not proxies:
        raise ValidationError("a factor shock needs at least one factor proxy")
    history = history_of(market, min_returns=MIN_ROWS)
    returns = np.expm1(history.move)
    column = {s: i for i, s in enumerate(history.symbols)}
    x = np.column_stack([np.ones(len(returns)), returns[:, [column[p] for p in proxies]]])
    y = returns[:, [column[h] for h in holdings]]
    solution, *_ = np.linalg.lstsq(x, y, rcond=None)
    fitted = x @ solution
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    residual = ((y - fitted) ** 2).sum(axis=0)
    r_squared = np.where(total > 0, 1.0 - residual / np.where(total > 0, total, 1.0), 1.0)
    return Betas(tuple(holdings), tuple(proxies), solution[1:].T, r_squared, len(returns))
