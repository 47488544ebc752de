"""Robustness on simulated markets: a trained model's IC and Sharpe over many generated paths.

A model that only works on the one history it was fitted on shows it here. `MarketPaths` is
the interface to any market generator (the simulator's bootstrap and regime models satisfy
it by yielding `MarketData` panels); `evaluate_on_paths` rebuilds the model's features on
each path (sets that need data a path does not have, such as macro series, count as missing
values, and the report says which), predicts every day, and reports per path the mean daily
IC against the path's forward returns and the Sharpe ratio of `ml_signal` trading them.

`JointBootstrapPaths` is a small generator of its own until the simulator's models land: a
stationary block bootstrap of whole days (every symbol's open, high, low and close relative
to the previous close, and its traded value), so the cross-section and volatility clusters
of the history survive.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from tetra.strategy.library.ml_signal import MlSignalConfig

PERCENTILES = (5, 25, 50, 75, 95)


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
) -> Robustness:
    """Score `fitted` on `count` generated paths (see the module docstring)."""
    if count < 1:
        raise ValidationError("robustness needs at least one path")
    config = signal or MlSignalConfig.model_validate({})
    ics, sharpes, missing = [], [], set()
    for market in source.paths(count, seed=seed):
        panel = build_panel(market)
        frame, lacking = _features(fitted, market, panel, groups or {})
        missing |= lacking
        scores = _scores(fitted, frame)
        daily = daily_metrics(scores, forward_returns(panel, fitted.horizon))
        ics.append(summarise(daily, fitted.horizon).ic)
        backtest, _ = backtest_signal(
            market, signal_frame(scores, panel.dates, panel.symbols), config, guards=False
        )
        sharpes.append(backtest.metrics.get("sharpe_ratio", np.nan))
    return Robustness(np.array(ics), np.array(sharpes), tuple(sorted(missing)))


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


class JointBootstrapPaths:
    """Stationary block bootstrap of whole days of a market (see the module docstring)."""

    def __init__(self, market: MarketData, *, block: float = 20.0) -> None:
        if block < 1:
            raise ValidationError("the mean block length must be at least 1 day")
        panel = build_panel(market)
        self.dates, self.symbols, self.block = panel.dates, panel.symbols, block
        self._steps = _day_steps(panel)
        if len(self._steps) < 2:
            raise ValidationError("too little common history to bootstrap: symbols never overlap")

    def paths(self, count: int, *, seed: int) -> Iterator[MarketData]:
        rng = np.random.default_rng(seed)
        for _ in range(count):
            yield self._path(self._draw(rng))

    def _draw(self, rng: np.random.Generator) -> np.ndarray:
        rows: list[int] = []
        length = len(self._steps)
        while len(rows) < length:
            start = int(rng.integers(length))
            size = int(rng.geometric(1.0 / self.block))
            rows.extend((start + k) % length for k in range(size))
        return np.array(rows[:length])

    def _path(self, rows: np.ndarray) -> MarketData:
        ratios = self._steps[rows]  # (days, 5, symbols): open, high, low, close, value
        close = 100.0 * np.cumprod(ratios[:, 3], axis=0)
        previous = np.vstack([np.full((1, close.shape[1]), 100.0), close[:-1]])
        ones, zeros = np.ones(close.shape), np.zeros(close.shape)
        return MarketData(
            self.dates[: len(rows)], self.symbols, previous * ratios[:, 0],
            previous * ratios[:, 1], previous * ratios[:, 2], close, ratios[:, 4] / close,
            ones, zeros,
        )  # fmt: skip


def _day_steps(panel: Panel) -> np.ndarray:
    """Per day with every symbol trading: prices over the previous close, and traded value."""
    previous = np.vstack([np.full((1, panel.shape[1]), np.nan), panel.close[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        steps = np.stack(
            [panel.open / previous, panel.high / previous, panel.low / previous,
             panel.close / previous, panel.dollar_volume],
            axis=1,
        )  # fmt: skip
    complete = np.isfinite(steps).all(axis=(1, 2)) & panel.has_bar.all(axis=1)
    return np.asarray(steps[complete], dtype=np.float64)
