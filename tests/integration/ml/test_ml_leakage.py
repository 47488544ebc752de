"""Leakage: every feature set is point in time, a leaky feature is caught, noise scores zero."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tetra.ml.dataset import make_dataset
from tetra.ml.features import (
    FEATURE_SETS,
    FeatureContext,
    FeatureSet,
    FeatureSpec,
    build_features,
    register_kind,
)
from tetra.ml.fitted import FittedModel
from tetra.ml.inputs import FeatureInputs
from tetra.ml.labels import LabelKind, make_labels
from tetra.ml.models import make_model
from tetra.ml.panel import build_panel
from tetra.ml.predict import predict_days, prediction_look_ahead_problems
from tetra.ml.spec import TrainSpec
from tetra.ml.training import cross_validate, prepare
from tetra.ml.validation import daily_metrics, summarise

CUTS = (dt.date(2024, 3, 14), dt.date(2025, 6, 4))


def with_earnings(inputs: FeatureInputs) -> FeatureInputs:
    """Give two symbols quarterly report dates so the earnings features have values."""
    dates = pd.date_range("2023-02-01", "2026-01-31", freq="91D")
    rows = [(symbol, day) for symbol in ("AAPL", "MSFT") for day in dates]
    earnings = pd.DataFrame(rows, columns=["symbol", "report_date"])
    return dataclasses.replace(inputs, earnings=earnings.astype({"report_date": "datetime64[us]"}))


@pytest.mark.parametrize("name", sorted(FEATURE_SETS))
def test_features_built_on_data_cut_at_t_equal_the_full_features_up_to_t(
    ml_inputs: FeatureInputs, name: str
) -> None:
    inputs = with_earnings(ml_inputs)
    sets = [FEATURE_SETS[name]]
    full = build_features(inputs, sets)

    for cut in CUTS:
        cut_frame = build_features(inputs.as_of(cut), sets)
        rows = len(cut_frame.dates)
        assert np.array_equal(full.dates[:rows], cut_frame.dates)
        assert np.array_equal(full.values[:, :rows], cut_frame.values, equal_nan=True), cut
    assert np.isfinite(full.values).any(axis=(1, 2)).sum() >= len(full.names) - 1


def peeking(context: FeatureContext, /) -> np.ndarray:
    """A deliberately leaky feature: tomorrow's return, known today."""
    returns = context.panel.returns()
    return np.vstack([returns[1:], np.full((1, returns.shape[1]), np.nan)])


register_kind("test_tomorrow_return", peeking, replace=True)
LEAKY = FeatureSet("leaky", 1, (FeatureSpec.of("tomorrow", "test_tomorrow_return"),))
HONEST = FeatureSet("honest", 1, (FeatureSpec.of("ret_5_h", "return", window=5),))


def fitted_on(inputs: FeatureInputs, feature_set: FeatureSet) -> FittedModel:
    panel = build_panel(inputs.market)
    frame = build_features(inputs, [feature_set], panel=panel)
    labels = make_labels(panel, LabelKind.FORWARD_RETURN, 1)
    data = make_dataset(frame, labels, panel.has_bar)
    model = make_model("linear")
    model.fit(data.features, data.labels, data.names)
    return FittedModel(model, data.names, (feature_set,), panel.symbols, "forward_return", 1,
                       dt.date(2023, 1, 3), dt.date(2025, 12, 31), name="probe")  # fmt: skip


def test_the_look_ahead_guard_catches_a_leaky_feature_and_passes_an_honest_one(
    ml_inputs: FeatureInputs,
) -> None:
    window = (dt.date(2025, 1, 2), dt.date(2025, 3, 31))
    leaky = fitted_on(ml_inputs, LEAKY)
    honest = fitted_on(ml_inputs, HONEST)

    leaky_problems = prediction_look_ahead_problems(
        ml_inputs, leaky, predict_days(ml_inputs, leaky, *window)
    )
    honest_problems = prediction_look_ahead_problems(
        ml_inputs, honest, predict_days(ml_inputs, honest, *window)
    )

    assert len(leaky_problems) == 3
    assert all("look-ahead" in problem for problem in leaky_problems)
    assert honest_problems == []


def test_a_model_trained_on_shuffled_labels_has_an_ic_indistinguishable_from_zero(
    ml_inputs: FeatureInputs,
) -> None:
    spec = TrainSpec(model="linear", feature_sets=("price_volume",), horizon=5, groups=4,
                     test_groups=1, label=LabelKind.FORWARD_RETURN)  # fmt: skip
    prepared = prepare(ml_inputs, spec)
    shuffled = np.random.default_rng(7).permutation(prepared.dataset.labels)
    noise = dataclasses.replace(
        prepared, dataset=dataclasses.replace(prepared.dataset, labels=shuffled)
    )

    predictions, _ = cross_validate(noise, spec)
    summary = summarise(daily_metrics(predictions, prepared.forward), spec.horizon)

    # days overlap by the 5-day horizon: about days / 5 independent draws
    standard_error = summary.ic_std / np.sqrt(summary.days / spec.horizon)
    assert summary.days > 400
    assert abs(summary.ic) < 3 * standard_error
