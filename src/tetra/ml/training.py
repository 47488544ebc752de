"""Train and validate a model: features, labels, purged out-of-sample predictions, metrics.

Map: `prepare` builds the feature sets and labels on the decision panel and the rows to
learn from; `cross_validate` fits one model per split (CPCV or walk-forward, purged) and
predicts its test days, averaging a day's predictions over the CPCV splits that test it
(every one out of sample) and scoring each CPCV path on its own; `evaluate` turns the
out-of-sample predictions, and the momentum baseline's on the same days, into per-day
metrics, summaries and the signal's backtest (both under a risk policy when one is given);
`train` does it all, fits the final model on every row and hands the result to the tracker
(`tetra.ml.tracking`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.ml.backtest import SignalBacktest, backtest_signal, signal_frame
from tetra.ml.dataset import Dataset, make_dataset
from tetra.ml.features import FEATURE_SETS, FeatureFrame, FeatureSet, build_features, by_name
from tetra.ml.features.spec import FeatureSpec
from tetra.ml.fitted import FittedModel
from tetra.ml.inputs import FeatureInputs
from tetra.ml.labels import forward_returns, label_span, make_labels
from tetra.ml.models import make_model
from tetra.ml.panel import Panel, build_panel
from tetra.ml.spec import TrainSpec
from tetra.ml.validation import (
    SignalSummary,
    Split,
    combinatorial_purged,
    daily_metrics,
    group_bounds,
    paths,
    summarise,
    walk_forward,
)
from tetra.risk import RiskPolicy

Progress = Callable[[str, int, int], None]
BASELINE_FEATURE = "mom_12_1"
BASELINE_SET = FeatureSet(
    "baseline", 1, (FeatureSpec.of(BASELINE_FEATURE, "return", window=231, skip=21),)
)


def _quiet(stage: str, done: int, total: int) -> None:
    """Default progress: say nothing."""


@dataclass(frozen=True)
class Prepared:
    """Features, labels and rows of one training request."""

    frame: FeatureFrame
    panel: Panel
    forward: np.ndarray
    dataset: Dataset
    baseline: np.ndarray  # the baseline's scores, (days, symbols)


@dataclass(frozen=True)
class Evaluation:
    """Out-of-sample predictions and their metrics, beside the baseline's on the same days."""

    dates: np.ndarray
    predictions: np.ndarray
    daily: pd.DataFrame
    summary: SignalSummary
    baseline_daily: pd.DataFrame
    baseline_summary: SignalSummary
    path_ic: tuple[float, ...]
    backtest: SignalBacktest
    baseline_backtest: SignalBacktest


@dataclass(frozen=True)
class TrainingResult:
    spec: TrainSpec
    fitted: FittedModel
    evaluation: Evaluation
    importance: dict[str, float]
    data: dict[str, object]
    run_id: str | None = None
    version: int | None = None
    risk_policy: RiskPolicy | None = None  # the policy the signal's backtests ran under


def prepare(inputs: FeatureInputs, spec: TrainSpec, progress: Progress = _quiet) -> Prepared:
    """Build features, labels and the rows to learn from."""
    sets = by_name(FEATURE_SETS, list(spec.feature_sets))
    panel = build_panel(inputs.market)
    progress("features", 0, len(sets))
    frame = build_features(
        inputs, sets, panel=panel, progress=lambda label: progress(f"features {label}", 0, 1)
    )
    labels = make_labels(
        panel, spec.label, spec.horizon, benchmark=spec.benchmark, width=spec.barrier_width
    )
    names = list(spec.features) if spec.features is not None else None
    dataset = make_dataset(frame, labels, panel.has_bar, names)
    baseline = build_features(inputs, [BASELINE_SET], panel=panel).column(BASELINE_FEATURE)
    return Prepared(frame, panel, forward_returns(panel, spec.horizon), dataset, baseline)


def make_splits(prepared: Prepared, spec: TrainSpec) -> list[Split]:
    """Return the purged splits of the validation scheme over the panel's days."""
    starts = np.arange(prepared.panel.shape[0])
    ends = starts + label_span(spec.horizon)
    if spec.validation == "cpcv":
        return combinatorial_purged(
            starts, ends, groups=spec.groups, test_groups=spec.test_groups, embargo=spec.embargo
        )
    return walk_forward(
        starts,
        ends,
        train=spec.train_days,
        test=spec.test_days,
        anchored=spec.validation == "walk_forward",
        embargo=spec.embargo,
    )


def cross_validate(
    prepared: Prepared, spec: TrainSpec, progress: Progress = _quiet
) -> tuple[np.ndarray, tuple[float, ...]]:
    """Return out-of-sample predictions (days, symbols) and, for CPCV, each path's mean IC."""
    data, splits = prepared.dataset, make_splits(prepared, spec)
    total = np.zeros(data.shape)
    count = np.zeros(data.shape)
    by_split: dict[int, np.ndarray] = {}
    for done, split in enumerate(splits):
        progress("validation", done, len(splits))
        train, test = data.rows_of(split.train), data.rows_of(split.test)
        if len(train) == 0 or len(test) == 0:
            continue
        model = make_model(spec.model, spec.params, seed=spec.seed, classify=spec.label.classes)
        model.fit(data.features[train], data.labels[train], data.names)
        scores = data.to_panel(model.predict(data.features[test]), test)
        by_split[split.number] = scores
        total += np.nan_to_num(scores)
        count += np.isfinite(scores)
    progress("validation", len(splits), len(splits))
    with np.errstate(invalid="ignore"):
        predictions = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return predictions, _path_ic(prepared, spec, splits, by_split)


def _path_ic(
    prepared: Prepared, spec: TrainSpec, splits: list[Split], by_split: dict[int, np.ndarray]
) -> tuple[float, ...]:
    """Score each CPCV path: every group's days predicted by that path's split for it."""
    if spec.validation != "cpcv":
        return ()
    bounds = group_bounds(prepared.panel.shape[0], spec.groups)
    found = []
    for path in paths(splits, spec.groups, spec.test_groups):
        scores = np.full(prepared.dataset.shape, np.nan)
        for group, number in path:
            days = np.arange(*bounds[group])
            if number in by_split:
                scores[days] = by_split[number][days]
        found.append(summarise(daily_metrics(scores, prepared.forward), spec.horizon).ic)
    return tuple(found)


def evaluate(
    inputs: FeatureInputs, prepared: Prepared, spec: TrainSpec, predictions: np.ndarray,
    path_ic: tuple[float, ...] = (), risk_policy: RiskPolicy | None = None,
) -> Evaluation:  # fmt: skip
    """Score the out-of-sample predictions and the baseline on the same days, and trade both.

    Both backtests run under `risk_policy` when given, so they stay comparable.
    """
    forward, tested = prepared.forward, np.isfinite(predictions)
    baseline = np.where(tested, prepared.baseline, np.nan)
    daily, baseline_daily = daily_metrics(predictions, forward), daily_metrics(baseline, forward)
    dates, symbols = prepared.panel.dates, prepared.panel.symbols
    model_bt, _ = backtest_signal(
        inputs.market, signal_frame(predictions, dates, symbols), spec.signal,
        risk_policy=risk_policy,
    )  # fmt: skip
    base_bt, _ = backtest_signal(
        inputs.market, signal_frame(baseline, dates, symbols), spec.signal,
        risk_policy=risk_policy,
    )  # fmt: skip
    return Evaluation(
        dates, predictions, daily, summarise(daily, spec.horizon), baseline_daily,
        summarise(baseline_daily, spec.horizon), path_ic, model_bt, base_bt,
    )  # fmt: skip


def fit_final(inputs: FeatureInputs, prepared: Prepared, spec: TrainSpec) -> FittedModel:
    """Fit the model on every row and wrap it with what it needs to predict again."""
    data = prepared.dataset
    model = make_model(spec.model, spec.params, seed=spec.seed, classify=spec.label.classes)
    model.fit(data.features, data.labels, data.names)
    days = prepared.panel.dates[np.unique(data.day)]
    return FittedModel(
        model=model,
        features=data.names,
        sets=prepared.frame.sets,
        symbols=prepared.panel.symbols,
        label=spec.label.value,
        horizon=spec.horizon,
        first_day=pd.Timestamp(days[0]).date(),
        last_day=pd.Timestamp(days[-1]).date(),
        name=spec.name,
        metadata={"signal": spec.signal.model_dump(mode="json"), "seed": spec.seed},
    )


def train(
    inputs: FeatureInputs, spec: TrainSpec, progress: Progress = _quiet,
    *, risk_policy: RiskPolicy | None = None,
) -> TrainingResult:  # fmt: skip
    """Prepare, validate, evaluate (under `risk_policy` if given) and fit; the caller tracks it."""
    prepared = prepare(inputs, spec, progress)
    predictions, path_ic = cross_validate(prepared, spec, progress)
    progress("backtest", 0, 1)
    evaluation = evaluate(inputs, prepared, spec, predictions, path_ic, risk_policy)
    progress("final model", 0, 1)
    fitted = fit_final(inputs, prepared, spec)
    importance = dict(zip(fitted.features, map(float, fitted.model.importance()), strict=True))
    data = data_summary(inputs, prepared)
    return TrainingResult(spec, fitted, evaluation, importance, data, risk_policy=risk_policy)


def data_summary(inputs: FeatureInputs, prepared: Prepared) -> dict[str, object]:
    """What the run saw: window, symbols, rows, sets with fingerprints, a digest of the rows."""
    data = prepared.dataset
    digest = hashlib.sha256(data.features.tobytes() + data.labels.tobytes()).hexdigest()[:16]
    dates = prepared.panel.dates
    return {
        "first_day": str(dates[0]),
        "last_day": str(dates[-1]),
        "symbols": len(prepared.panel.symbols),
        "rows": len(data.labels),
        "feature_sets": {s.label: s.fingerprint for s in prepared.frame.sets},
        "data_digest": digest,
    }
