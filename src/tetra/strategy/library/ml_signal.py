"""Trade a model's predictions: hold the top k, or long the top and short the bottom quantile.

The signal is a frame of scores (dates x symbols), given at construction: the composition
roots load it from ``derived.predictions`` (`tetra.ml.predictions.load_signal`) or pass a
validation run's out-of-sample predictions. A score dated t was decided at t's close and
trades from t+1, like every decision. `tetra.ml.guard` proves that each score used only
data available at its date.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.conditions import MonthEnd
from tetra.strategy.library.stepwise import StepwiseStrategy


class MlSignalConfig(StrategyConfig):
    """`top_k`: equal weights on the k best scores. `long_short`: +gross/2 spread over the
    top `quantile` of scores, -gross/2 over the bottom one. Rebalance every `rebalance` days
    with scores (counted from the first), or "month_end". `model`/`model_version` name the
    predictions to load (None: the latest version stored)."""

    mode: Literal["top_k", "long_short"] = "top_k"
    top_k: int = Field(10, ge=1)
    quantile: float = Field(0.2, gt=0, le=0.5)
    rebalance: int | Literal["month_end"] = Field(5)
    gross: float = Field(1.0, gt=0, le=2)
    model: str | None = None
    model_version: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _rebalance_positive(self) -> MlSignalConfig:
        if isinstance(self.rebalance, int) and self.rebalance < 1:
            raise ValueError(f"rebalance must be at least 1 day, not {self.rebalance}")
        return self


class MlSignal(StepwiseStrategy[MlSignalConfig]):
    """Target weights from model scores at each rebalance; 0 on every symbol not chosen."""

    name: ClassVar[str] = "ml_signal"
    Config = MlSignalConfig

    def __init__(
        self,
        config: MlSignalConfig | None = None,
        *,
        signal: pd.DataFrame | None = None,
        **params: object,
    ) -> None:
        super().__init__(config, **params)
        self.signal = signal

    def with_signal(self, signal: pd.DataFrame) -> MlSignal:
        """Return the same strategy trading `signal` (dates x symbols of scores)."""
        return MlSignal(self.config, signal=signal)

    def start(self, market: MarketData) -> None:
        super().start(market)
        if self.signal is None:
            raise ValidationError(
                "ml_signal has no predictions: run `tetra ml predict` and name the model"
            )
        index = pd.DatetimeIndex(market.dates.astype("datetime64[ns]"))
        aligned = self.signal.reindex(index=index, columns=list(market.symbols))
        self._scores = aligned.to_numpy(dtype=np.float64)
        self._schedule = self._rebalance_days(market, np.isfinite(self._scores).any(axis=1))

    def _rebalance_days(self, market: MarketData, scored: np.ndarray) -> np.ndarray:
        if self.config.rebalance == "month_end":
            return np.asarray(MonthEnd().evaluate(market)[:, 0] & scored, dtype=bool)
        seen = np.cumsum(scored) - 1
        return np.asarray(scored & (seen % self.config.rebalance == 0), dtype=bool)

    def decide(self, t: int) -> np.ndarray:
        if not self._schedule[t]:
            return self.no_orders()
        return target_weights(np.asarray(self._scores[t]), self.config)


def target_weights(scores: np.ndarray, config: MlSignalConfig) -> np.ndarray:
    """Return the target weight per symbol for one day's scores (NaN scores get 0)."""
    ranked = [int(n) for n in np.argsort(-scores, kind="stable") if np.isfinite(scores[n])]
    weights = np.zeros(len(scores))
    if not ranked:
        return weights
    if config.mode == "top_k":
        chosen = ranked[: config.top_k]
        weights[chosen] = config.gross / len(chosen)
        return weights
    size = max(1, int(len(ranked) * config.quantile))
    if 2 * size > len(ranked):
        return weights
    weights[ranked[:size]] = config.gross / 2 / size
    weights[ranked[-size:]] = -config.gross / 2 / size
    return weights
