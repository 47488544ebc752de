"""Robustness on simulated markets: a trained model's IC and Sharpe over many generated paths.

A model that only works on the one history it was fitted on shows it here. `MarketPaths` is
the interface to any market generator; `evaluate_on_paths` rebuilds the model's features on
each path (sets that need data a path does not have, such as macro series, count as missing
values, and the report says which), predicts every day, and reports per path the mean daily
IC against the path's forward returns and the Sharpe ratio of `ml_signal` trading them
(under a risk policy when one is given).

`calibrated_paths` is the usual source: one of the simulator's market models
(`tetra.simulation.models.MODELS`: bootstrap, gbm, merton, garch, regime) calibrated on the
bars it is given, which the caller keeps to the model's training window so that nothing of
the evaluation window leaks into the paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.ml.backtest import backtest_signal, signal_frame
from tetra.ml.dataset import feature_rows
from tetra.ml.features import FeatureFrame, FeatureSetError, build_features
from tetra.ml.fitted import FittedModel
from tetra.ml.inputs import empty_side_inputs
from tetra.ml.labels import forward_returns
from tetra.ml.panel import Panel, build_panel
from tetra.ml.validation import daily_metrics, summarise
from tetra.risk import RiskPolicy
from tetra.simulation.models import MODELS, calibrate, history_of
from tetra.simulation.paths import ModelMarketPaths
from tetra.strategy.library.ml_signal import MlSignalConfig

PERCENTILES = (5, 25, 50, 75, 95)
PATH_MODELS = tuple(MODELS)


class MarketPaths(Protocol):
    """A source of generated markets over a fixed set of symbols."""

    def paths(self, count: int, *, seed: int) -> Iterator[MarketData]:
        """Yield `count` markets; the same seed gives the same markets."""
        ...


@dataclass(frozen=True)
class Robustness:
    """Per path: mean daily IC and the strategy's Sharpe; and the feature sets left missing."""

    ic: np.ndarray
    sharpe: np.ndarray
    missing_sets: tuple[str, ...]

    def summary(self) -> dict[str, float]:
        found: dict[str, float] = {"paths": float(len(self.ic))}
        for name, values in (("ic", self.ic), ("sharpe", self.sharpe)):
            finite = values[np.isfinite(values)]
            found[f"{name}_mean"] = float(finite.mean()) if len(finite) else float("nan")
            for p in PERCENTILES:
                value = np.percentile(finite, p) if len(finite) else np.nan
                found[f"{name}_p{p}"] = float(value)
            found[f"{name}_share_positive"] = float((finite > 0).mean()) if len(finite) else 0.0
        return found


def evaluate_on_paths(
    fitted: FittedModel,
    source: MarketPaths,
    *,
    count: int,
    seed: int = 0,
    signal: MlSignalConfig | None = None,
    groups: dict[str, str] | None = None,
    risk_policy: RiskPolicy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Robustness:
    """Score `fitted` on `count` generated paths (see the module docstring).

    `progress(done, count)` is called after each path.
    """
    if count < 1:
        raise ValidationError("robustness needs at least one path")
    config = signal or MlSignalConfig.model_validate({})
    ics, sharpes, missing = [], [], set()
    tick = progress or (lambda done, total: None)
    for market in source.paths(count, seed=seed):
        panel = build_panel(market)
        frame, lacking = _features(fitted, market, panel, groups or {})
        missing |= lacking
        scores = _scores(fitted, frame)
        daily = daily_metrics(scores, forward_returns(panel, fitted.horizon))
        ics.append(summarise(daily, fitted.horizon).ic)
        signal_scores = signal_frame(scores, panel.dates, panel.symbols)
        backtest, _ = backtest_signal(
            market, signal_scores, config, guards=False, risk_policy=risk_policy
        )
        sharpes.append(backtest.metrics.get("sharpe_ratio", np.nan))
        tick(len(sharpes), count)
    return Robustness(np.array(ics), np.array(sharpes), tuple(sorted(missing)))


def calibrated_paths(
    market: MarketData, model: str, *, bars: int, states: int = 2
) -> ModelMarketPaths:
    """Return paths of `bars` bars from the simulator's `model` calibrated on `market`.

    `market` should hold only the fitted model's training window (see the module docstring).
    """
    if model not in MODELS:
        raise ValidationError(f"unknown path model {model!r}; choose one of {', '.join(MODELS)}")
    return ModelMarketPaths(calibrate(model, history_of(market), states=states), bars=bars)


def _features(
    fitted: FittedModel, market: MarketData, panel: Panel, groups: dict[str, str]
) -> tuple[FeatureFrame, set[str]]:
    """Build each of the model's sets; a set whose inputs a path lacks becomes all-missing."""
    inputs = empty_side_inputs(market, groups)
    cubes, names, missing = [], [], set()
    for feature_set in fitted.sets:
        try:
            built = build_features(inputs, [feature_set], panel=panel)
            cubes.append(built.values)
        except FeatureSetError:
            missing.add(feature_set.name)
            cubes.append(np.full((len(feature_set.features), *panel.shape), np.nan))
        names += list(feature_set.names)
    values = np.concatenate(cubes) if cubes else np.zeros((0, *panel.shape))
    return FeatureFrame(panel.dates, panel.symbols, tuple(names), values, fitted.sets), missing


def _scores(fitted: FittedModel, frame: FeatureFrame) -> np.ndarray:
    scores = np.full((len(frame.dates), len(frame.symbols)), np.nan)
    for day in range(len(frame.dates)):
        rows = feature_rows(frame, day, fitted.features)
        known = np.isfinite(rows).any(axis=1)
        if known.any():
            scores[day, known] = fitted.model.predict(rows[known])
    return scores
