"""Predictions for decision days, and the guard that proves they saw no future data.

`predict_days` builds the model's feature sets from the inputs and scores every decision day
in a window. `prediction_look_ahead_problems` is the look-ahead guard of `ml_signal`: for
days drawn from the predictions it rebuilds the features from the inputs as known at that
day (`FeatureInputs.as_of`: later bars, later macro releases, later news and unannounced
earnings removed), predicts again and compares. A prediction that changes when the future
is removed used the future; each such day is reported.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.ml.features import build_features
from tetra.ml.fitted import FittedModel
from tetra.ml.inputs import FeatureInputs

TOLERANCE = 1e-9  # relative; BLAS may sum a matrix product in another order


def predict_days(
    inputs: FeatureInputs, fitted: FittedModel, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Return (date, symbol, score) for every decision day from `start` to `end`."""
    fitted.check_sets()
    fitted.check_symbols(inputs.market.symbols)
    frame = build_features(inputs, list(fitted.sets))
    days = np.flatnonzero(
        (frame.dates >= np.datetime64(start, "D")) & (frame.dates <= np.datetime64(end, "D"))
    )
    if len(days) == 0:
        raise ValidationError(f"no decision days between {start} and {end}")
    parts = []
    for day in days:
        scores = fitted.predict_day(frame, int(day))
        date = pd.Timestamp(frame.dates[day]).date()
        parts.append(pd.DataFrame({"date": date, "symbol": scores.index, "score": scores.values}))
    return pd.concat(parts, ignore_index=True)


def prediction_look_ahead_problems(
    inputs: FeatureInputs,
    fitted: FittedModel,
    predictions: pd.DataFrame,
    *,
    points: int = 3,
    seed: int = 0,
) -> list[str]:
    """Return a message per checked day whose prediction changes when later data is removed."""
    days = sorted(set(predictions["date"]))
    if not days:
        return []
    rng = np.random.default_rng(seed)
    chosen = sorted(rng.choice(len(days), size=min(points, len(days)), replace=False))
    problems = []
    for index in chosen:
        day = days[int(index)]
        again = predict_days(inputs.as_of(day), fitted, day, day)
        if not _same(predictions[predictions["date"] == day], again):
            problems.append(
                f"look-ahead: predictions for {day} change when data after {day} is removed"
            )
    return problems


def _same(first: pd.DataFrame, second: pd.DataFrame) -> bool:
    left = first.set_index("symbol")["score"].sort_index()
    right = second.set_index("symbol")["score"].sort_index()
    if not left.index.equals(right.index):
        return False
    return bool(np.allclose(left.to_numpy(), right.to_numpy(), rtol=TOLERANCE, atol=1e-12))
