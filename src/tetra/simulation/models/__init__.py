"""Market models calibrated on stored history, generating seeded `MarketData` paths.

Map: `history` (the common history a model fits on), `bars` (bar shapes and volume from
simulated moves), `base` (the `FittedModel` protocol, parameters, correlation helpers),
and one module per model: `gbm`, `jumps` (Merton), `garch` (GARCH(1,1)-t with a copula),
`bootstrap` (stationary block bootstrap), `regime` (hidden Markov regimes).
`calibrate(name, history, ...)` fits one by name.

The model modules import `arch`, `scipy` and `hmmlearn`, which take seconds to import; they
load when a model is first fitted (or named), so the API and the CLI start without them.
"""

from __future__ import annotations

import importlib
from typing import Any

from tetra.core.errors import ValidationError
from tetra.simulation.models.base import FittedModel, Parameter
from tetra.simulation.models.history import History, HistoryInfo, history_of

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
    if name not in MODELS:
        raise ValidationError(f"unknown market model {name!r}; choose one of {', '.join(MODELS)}")
    model = __getattr__(_CLASSES[name])
    options: dict[str, Any] = {
        "bootstrap": {"block_length": block_length},
        "regime": {"states": states},
    }
    fitted: FittedModel = model.fit(history, **options.get(name, {}))
    return fitted


_CLASSES = {
    "gbm": "Gbm",
    "merton": "Merton",
    "garch": "Garch",
    "bootstrap": "Bootstrap",
    "regime": "Regimes",
}
_MODULES = {
    "Gbm": "gbm",
    "Merton": "jumps",
    "Garch": "garch",
    "Bootstrap": "bootstrap",
    "Regimes": "regime",
}


def __getattr__(name: str) -> Any:
    """Import a model class on first use (see the module docstring)."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)


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
