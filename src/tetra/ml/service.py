"""What the CLI and the API do with a store and a tracker: one function per user action.

- `build_and_store`: build feature sets for symbols and a window, write them to `derived`;
- `train_and_track`: train, validate, evaluate and record a model (a new registered version);
- `predict_and_store`: score decision days with a registered version into `derived.predictions`;
- `evaluate_version`: score a registered version on a window against the baseline, trade it
  (under a risk policy if given), run the look-ahead guard, and optionally score it on paths
  of a simulator model calibrated on its training window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.ml.backtest import SignalBacktest, backtest_signal
from tetra.ml.features import FEATURE_SETS, build_features, by_name
from tetra.ml.fitted import FittedModel
from tetra.ml.inputs import FeatureInputs, load_inputs
from tetra.ml.labels import forward_returns
from tetra.ml.panel import build_panel
from tetra.ml.predict import predict_days, prediction_look_ahead_problems
from tetra.ml.registry import load_model, track_training
from tetra.ml.robustness import PATH_MODELS, Robustness, calibrated_paths, evaluate_on_paths
from tetra.ml.spec import TrainSpec
from tetra.ml.storage import store_features, write_predictions
from tetra.ml.tracking import Tracker
from tetra.ml.training import BASELINE_FEATURE, BASELINE_SET, Progress, TrainingResult, train
from tetra.ml.validation import SignalSummary, daily_metrics, summarise
from tetra.risk import RiskPolicy
from tetra.simulation.inputs import load_history
from tetra.strategy.library.ml_signal import MlSignalConfig

HISTORY_DAYS = 550  # calendar days of history before a window: the longest lookback + slack


def experiment_for(store: Store) -> str:
    """Sample and live runs go to separate experiments."""
    return "tetra-sample" if store.kind is StoreKind.SAMPLE else "tetra-live"


def stored_symbols(store: Store) -> list[str]:
    """Every symbol with daily bars in the store."""
    return sorted({row.symbol for row in store.coverage()})


def stored_window(store: Store) -> tuple[dt.date, dt.date]:
    """First and last day of daily bars in the store."""
    rows = store.coverage()
    if not rows:
        raise ValidationError("the store holds no bars: run the pipeline first")
    return _day(min(r.first for r in rows)), _day(max(r.last for r in rows))


def build_and_store(
    store: Store, set_names: Sequence[str], symbols: Sequence[str], start: dt.date,
    end: dt.date, *, now: dt.datetime, progress: Progress | None = None,
) -> tuple[int, list[str]]:  # fmt: skip
    """Build and write `set_names`; return the values written and the set labels."""
    sets = by_name(FEATURE_SETS, list(set_names))
    inputs = load_inputs(store, symbols, start, end)
    tick = progress or (lambda stage, done, total: None)
    frame = build_features(inputs, sets, progress=lambda label: tick(f"build {label}", 0, 1))
    written = store_features(
        store, frame, now=now, progress=lambda s, d, t: tick(f"store {s}", d, t)
    )
    return written, [s.label for s in sets]


def train_and_track(
    store: Store, tracker: Tracker, spec: TrainSpec, symbols: Sequence[str], start: dt.date,
    end: dt.date, *, progress: Progress | None = None, risk_policy: RiskPolicy | None = None,
) -> TrainingResult:  # fmt: skip
    """Train on the store's data and record the run; the benchmark joins the universe.

    The signal's backtests in the report run under `risk_policy` when given.
    """
    wanted = list(dict.fromkeys([*symbols, spec.benchmark]))
    inputs = load_inputs(store, wanted, start, end)
    tick = progress or (lambda stage, done, total: None)
    result = train(inputs, spec, tick, risk_policy=risk_policy)
    return track_training(tracker, result, experiment_for(store))


def predict_and_store(
    store: Store, tracker: Tracker, name: str, *, version: int | None, book: str | None,
    start: dt.date | None, end: dt.date | None, now: dt.datetime,
) -> tuple[FittedModel, pd.DataFrame]:  # fmt: skip
    """Score the days from `start` to `end` (default: the last stored day) and store them."""
    fitted = load_model(tracker, name, version=version, book=book)
    last = end or stored_window(store)[1]
    first = start or last
    inputs = load_inputs(store, fitted.symbols, first - dt.timedelta(days=HISTORY_DAYS), last)
    predictions = predict_days(inputs, fitted, first, last)
    assert fitted.version is not None
    write_predictions(
        store, predictions, model=name, version=fitted.version, horizon=fitted.horizon,
        sets=fitted.sets, now=now,
    )  # fmt: skip
    return fitted, predictions


@dataclass(frozen=True)
class VersionEvaluation:
    """A registered version on a window: metrics beside the baseline's, trades, guard, paths."""

    fitted: FittedModel
    summary: SignalSummary
    baseline_summary: SignalSummary
    backtest: SignalBacktest
    guard_problems: list[str]
    robustness: Robustness | None
    path_model: str = "bootstrap"


@dataclass(frozen=True)
class PathsRequest:
    """Score on `count` paths of seed `seed` from the simulator's `model` (`PATH_MODELS`).

    `states` is the regime model's number of regimes (2 or 3); other models ignore it.
    """

    count: int = 0
    seed: int = 0
    model: str = "bootstrap"
    states: int = 2

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValidationError(f"the number of paths must be 0 or more, not {self.count}")
        if self.model not in PATH_MODELS:
            raise ValidationError(
                f"unknown path model {self.model!r}; choose one of {', '.join(PATH_MODELS)}"
            )
        if self.states not in (2, 3):
            raise ValidationError(f"a regime model has 2 or 3 states, not {self.states}")


def evaluate_version(
    store: Store, tracker: Tracker, name: str, *, version: int | None, book: str | None,
    start: dt.date, end: dt.date, paths: PathsRequest | None = None,
    risk_policy: RiskPolicy | None = None, progress: Progress | None = None,
) -> VersionEvaluation:  # fmt: skip
    """Evaluate a registered version on `start`..`end` (out of sample if after its training).

    The signal's backtest, and its backtests on paths, run under `risk_policy` when given.
    Paths come from the simulator's model calibrated on the version's training window only,
    each as long as the evaluation window with its feature warm-up.
    """
    request = paths or PathsRequest()
    tick = progress or (lambda stage, done, total: None)
    tick("predict", 0, 1)
    fitted = load_model(tracker, name, version=version, book=book)
    inputs = load_inputs(store, fitted.symbols, start - dt.timedelta(days=HISTORY_DAYS), end)
    predictions = predict_days(inputs, fitted, start, end)
    model_scores, baseline, forward = _panels(inputs, predictions, fitted)
    config = _signal_config(fitted)
    tick("backtest", 0, 1)
    backtest, _ = backtest_signal(
        inputs.market, _frame(predictions), config, risk_policy=risk_policy
    )
    robustness = None
    if request.count > 0:
        first, last = _rows(inputs, start, end)
        training = load_history(store, fitted.symbols, fitted.first_day, fitted.last_day)
        tick(f"calibrate {request.model}", 0, request.count)
        source = calibrated_paths(training, request.model, bars=last - first, states=request.states)
        robustness = evaluate_on_paths(
            fitted, source, count=request.count, seed=request.seed, signal=config,
            groups=dict(inputs.groups), risk_policy=risk_policy,
            progress=lambda done, total: tick(f"{request.model} paths", done, total),
        )  # fmt: skip
    tick("look-ahead guard", 0, 1)
    return VersionEvaluation(
        fitted,
        summarise(daily_metrics(model_scores, forward), fitted.horizon),
        summarise(daily_metrics(baseline, forward), fitted.horizon),
        backtest,
        prediction_look_ahead_problems(inputs, fitted, predictions, seed=request.seed),
        robustness,
        request.model,
    )


def _panels(
    inputs: FeatureInputs, predictions: pd.DataFrame, fitted: FittedModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    panel = build_panel(inputs.market)
    wide = _frame(predictions).reindex(
        index=pd.DatetimeIndex(panel.dates.astype("datetime64[ns]")), columns=list(panel.symbols)
    )
    scores = wide.to_numpy(dtype=np.float64)
    baseline = build_features(inputs, [BASELINE_SET], panel=panel).column(BASELINE_FEATURE)
    baseline = np.where(np.isfinite(scores), baseline, np.nan)
    return scores, baseline, forward_returns(panel, fitted.horizon)


def _frame(predictions: pd.DataFrame) -> pd.DataFrame:
    wide = predictions.pivot_table(index="date", columns="symbol", values="score", aggfunc="last")
    wide.index = pd.DatetimeIndex(pd.to_datetime(wide.index), name="date")
    return wide


def _signal_config(fitted: FittedModel) -> MlSignalConfig:
    stored = fitted.metadata.get("signal")
    return MlSignalConfig.model_validate(stored if isinstance(stored, dict) else {})


def _rows(inputs: FeatureInputs, start: dt.date, end: dt.date) -> tuple[int, int]:
    dates = inputs.market.dates
    first = int(np.searchsorted(dates, np.datetime64(start, "D")))
    return max(0, first - 300), int(np.searchsorted(dates, np.datetime64(end, "D"), "right"))


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


__all__ = [
    "PathsRequest",
    "VersionEvaluation",
    "build_and_store",
    "evaluate_version",
    "experiment_for",
    "predict_and_store",
    "stored_symbols",
    "stored_window",
    "train_and_track",
]
