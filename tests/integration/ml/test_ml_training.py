"""Training end to end: reproducible and tracked, bad input refused, stored, robust."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from tetra.adapters.stores.base import SqlStore
from tetra.core.errors import ValidationError
from tetra.data.ports import Query
from tetra.ml.features import (
    FEATURE_SETS,
    FeatureSet,
    FeatureSetError,
    FeatureSpec,
    build_features,
    validate_sets,
)
from tetra.ml.fitted import UnknownSymbols
from tetra.ml.inputs import FeatureInputs
from tetra.ml.registry import load_model, track_training
from tetra.ml.robustness import calibrated_paths, evaluate_on_paths
from tetra.ml.service import predict_and_store
from tetra.ml.spec import TrainSpec
from tetra.ml.storage import load_signal, read_features, store_features
from tetra.ml.training import train
from tetra.testing import InMemoryTracker

SPEC = TrainSpec(
    name="repro", model="lightgbm", feature_sets=("price_volume", "cross_section", "macro"),
    params={"n_estimators": 30, "min_child_samples": 50}, horizon=5, groups=4, test_groups=1,
    seed=11,
)  # fmt: skip
NOW = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def trained(ml_inputs: FeatureInputs) -> Any:
    return train(ml_inputs, SPEC)


def test_the_same_seed_data_and_params_give_the_same_model_and_the_mlflow_run_records_them(
    ml_inputs: FeatureInputs, trained: Any, mlflow_tracker: Any
) -> None:
    again = train(ml_inputs, SPEC)
    tracked = track_training(mlflow_tracker, again, "tetra-sample")

    first, second = trained.evaluation, again.evaluation
    assert np.array_equal(first.predictions, second.predictions, equal_nan=True)
    assert first.summary == second.summary
    assert first.backtest.metrics == second.backtest.metrics
    run = mlflow_tracker.run(tracked.run_id)
    assert run.params["seed"] == "11"
    assert run.params["model"] == "lightgbm"
    assert json.loads(run.params["params"]) == {"n_estimators": 30, "min_child_samples": 50}
    assert json.loads(run.params["data_feature_sets"]) == {
        s.label: s.fingerprint for s in (FEATURE_SETS[n] for n in SPEC.feature_sets)
    }
    assert run.params["data_data_digest"] == trained.data["data_digest"]
    assert run.metrics["ic"] == pytest.approx(first.summary.ic)
    assert run.metrics["baseline_ic"] == pytest.approx(first.baseline_summary.ic)
    daily = mlflow_tracker.series(tracked.run_id, "daily_ic")
    assert len(daily) == first.summary.days
    loaded = load_model(mlflow_tracker, "repro", version=tracked.version)
    rows = np.random.default_rng(0).normal(size=(5, len(loaded.features)))
    assert np.array_equal(loaded.model.predict(rows), again.fitted.model.predict(rows))
    report = json.loads(mlflow_tracker.artifact(tracked.run_id, "report.json"))
    assert report["summary"]["ic"] == pytest.approx(first.summary.ic)
    assert set(report["importance"]) == set(loaded.features)


def test_a_feature_set_naming_an_unknown_column_is_a_clear_error() -> None:
    broken = FeatureSet("broken", 1, (FeatureSpec.of("rank_nothing", "rank", of="ret_999"),))
    unknown_kind = FeatureSet("odd", 1, (FeatureSpec.of("x", "no_such_kind"),))
    bad_param = FeatureSet("bad", 1, (FeatureSpec.of("y", "return", windw=5),))

    with pytest.raises(FeatureSetError, match="names unknown column 'ret_999'"):
        validate_sets([broken])
    with pytest.raises(FeatureSetError, match="unknown feature kind 'no_such_kind'"):
        validate_sets([unknown_kind])
    with pytest.raises(FeatureSetError, match="missing a required argument: 'window'"):
        validate_sets([bad_param])
    with pytest.raises(ValueError, match="unknown feature sets"):
        TrainSpec(feature_sets=("price_volume", "astrology"))
    with pytest.raises(ValueError, match="unknown feature columns \\['nope'\\]"):
        TrainSpec(feature_sets=("price_volume",), features=("ret_5", "nope"))


def test_too_little_history_for_the_horizon_is_a_clear_error(ml_inputs: FeatureInputs) -> None:
    with pytest.raises(ValidationError, match="too little history for a 60-day horizon"):
        train(ml_inputs.as_of(dt.date(2023, 3, 1)), SPEC.model_copy(update={"horizon": 60}))


def test_a_model_asked_about_symbols_it_never_saw_refuses(
    ml_inputs: FeatureInputs, trained: Any
) -> None:
    fitted = dataclasses.replace(trained.fitted, symbols=trained.fitted.symbols[:-1])
    frame = build_features(ml_inputs, list(fitted.sets))
    dropped = trained.fitted.symbols[-1]  # the panel keeps the symbols in the order asked

    with pytest.raises(UnknownSymbols, match=f"never saw \\['{dropped}'\\]"):
        fitted.predict_day(frame, len(frame.dates) - 1)


def test_features_are_stored_with_their_version_and_read_back_exactly(
    ml_store: SqlStore, ml_inputs: FeatureInputs
) -> None:
    frame = build_features(ml_inputs, [FEATURE_SETS["macro"]])

    written = store_features(ml_store, frame, now=NOW)
    stored = read_features(ml_store, FEATURE_SETS["macro"], ["SPY"], dt.date(2025, 1, 1),
                           dt.date(2025, 12, 31))  # fmt: skip

    assert written == int(np.isfinite(frame.values).sum())
    wide = stored.pivot(index="date", columns="feature", values="value")
    spy = frame.symbols.index("SPY")
    day = frame.day(np.datetime64("2025-06-02"))
    assert wide.loc[dt.date(2025, 6, 2), "vix"] == frame.column("vix")[day, spy]
    sets = ml_store.read(Query("derived.feature_sets"))
    assert list(sets["fingerprint"]) == [FEATURE_SETS["macro"].fingerprint]
    changed = FeatureSet("macro", 1, FEATURE_SETS["macro"].features[:2])
    with pytest.raises(FeatureSetError, match="another definition"):
        store_features(ml_store, _with_sets(frame, changed), now=NOW)


def _with_sets(frame: Any, feature_set: FeatureSet) -> Any:
    selected = frame.select(list(feature_set.names))
    return dataclasses.replace(selected, sets=(feature_set,))


def test_predictions_are_written_with_the_model_version_and_trade_as_a_signal(
    ml_store: SqlStore, trained: Any
) -> None:
    tracker = InMemoryTracker()
    tracked = track_training(tracker, trained, "tetra-sample")

    fitted, predictions = predict_and_store(
        ml_store, tracker, "repro", version=None, book=None, start=dt.date(2025, 11, 3),
        end=dt.date(2025, 11, 28), now=NOW,
    )  # fmt: skip
    signal, version = load_signal(ml_store, "repro", None, list(fitted.symbols),
                                  dt.date(2025, 11, 1), dt.date(2025, 12, 31))  # fmt: skip

    assert version == tracked.version == fitted.version == 1
    stored = ml_store.read(Query("derived.predictions", where={"model": "repro"}))
    assert len(stored) == len(predictions) == 19 * len(fitted.symbols)  # no Thanksgiving
    assert set(stored["model_version"]) == {1}
    assert stored["rank"].between(0, 1).all()
    assert signal.shape == (19, len(fitted.symbols))
    first = predictions[predictions["date"] == dt.date(2025, 11, 3)].set_index("symbol")["score"]
    assert signal.iloc[0].sort_index().to_numpy() == pytest.approx(first.sort_index().to_numpy())


def test_robustness_reports_ic_and_sharpe_per_simulated_path(
    ml_inputs: FeatureInputs, trained: Any
) -> None:
    source = calibrated_paths(ml_inputs.market, "bootstrap", bars=400)

    first = evaluate_on_paths(trained.fitted, source, count=3, seed=5)
    again = evaluate_on_paths(trained.fitted, source, count=3, seed=5)

    assert first.ic.shape == first.sharpe.shape == (3,)
    assert np.isfinite(first.ic).all()
    assert np.isfinite(first.sharpe).all()
    assert np.array_equal(first.ic, again.ic)
    assert first.missing_sets == ("macro",)
    assert first.summary()["paths"] == 3
    with pytest.raises(ValidationError, match="at least one path"):
        evaluate_on_paths(trained.fitted, source, count=0)
    with pytest.raises(ValidationError, match="unknown path model 'astrology'"):
        calibrated_paths(ml_inputs.market, "astrology", bars=400)
