"""Market models calibrated on stored history, generating seeded `MarketData` paths.

Map: `history` (the common history a model fits on), `bars` (bar shapes and volume from
simulated moves), `base` (the `FittedModel` protocol, parameters, correlation helpers),
and one module per model: `gbm`, `jumps` (Merton), `garch` (GARCH(1,1)-t with a copula),
`bootstrap` (stationary block bootstrap), `regime` (hidden Markov regimes).
`calibrate(name, history, ...)` fits one by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tetra.core.errors import ValidationError
from tetra.simulation.models.base import FittedModel, Parameter
from tetra.simulation.models.bootstrap import Bootstrap
from tetra.simulation.models.garch import Garch
from tetra.simulation.models.gbm import Gbm
from tetra.simulation.models.history import History, HistoryInfo, history_of
from tetra.simulation.models.jumps import Merton
from tetra.simulation.models.regime import Regimes

MODELS: dict[str, str] = {
    "gbm": "geometric Brownian motion, correlated",
    "merton": "Merton jump diffusion, correlated diffusion",
    "garch": "GARCH(1,1)-t per symbol, Gaussian copula of residuals",
    "bootstrap": "stationary block bootstrap of joint daily bars",
    "regime": "hidden Markov regimes (2 or 3 states), own means and covariances",
}


def calibrate(
    name: str,
    history: History,
    *,
    states: int = 2,
    block_length: float | None = None,
) -> FittedModel:
    """Fit the model called `name` on `history`; `states` and `block_length` where they apply."""
    fitters: dict[str, Callable[[], Any]] = {
        "gbm": lambda: Gbm.fit(history),
        "merton": lambda: Merton.fit(history),
        "garch": lambda: Garch.fit(history),
        "bootstrap": lambda: Bootstrap.fit(history, block_length),
        "regime": lambda: Regimes.fit(history, states),
    }
    if name not in fitters:
        raise ValidationError(f"unknown market model {name!r}; choose one of {', '.join(MODELS)}")
    fitted: FittedModel = fitters[name]()
    return fitted


__all__ = [
    "MODELS",
    "Bootstrap",
    "FittedModel",
    "Garch",
    "Gbm",
    "History",
    "HistoryInfo",
    "Merton",
    "Parameter",
    "Regimes",
    "calibrate",
    "history_of",
]
