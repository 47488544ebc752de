"""Evaluation on the small sample store: simulated paths, and a risk policy on the backtests."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from tetra.adapters.stores.base import SqlStore
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.ml import service
from tetra.ml.inputs import FeatureInputs
from tetra.ml.registry import track_training
from tetra.ml.robustness import PERCENTILES
from tetra.ml.service import PathsRequest, evaluate_version
from tetra.ml.spec import TrainSpec
from tetra.ml.tracking import REPORT_ARTIFACT
from tetra.ml.training import train
from tetra.risk.policy import parse_policy
from tetra.testing import InMemoryTracker

SPEC = TrainSpec(
    name="paths", model="linear", feature_sets=("price_volume", "cross_section"), horizon=5,
    groups=4, test_groups=1, seed=3,
)  # fmt: skip
TRAINED_UNTIL = dt.date(2025, 6, 30)
START, END = dt.date(2025, 9, 1), dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def tracker(ml_inputs: FeatureInputs) -> InMemoryTracker:
    """A tracker holding one version trained on the sample store up to June 2025."""
    found = InMemoryTracker()
    track_training(found, train(ml_inputs.as_of(TRAINED_UNTIL), SPEC), "tetra-sample")
    return found


def _evaluate(store: SqlStore, tracker: InMemoryTracker, **options: Any) -> Any:
    return evaluate_version(
        store, tracker, "paths", version=None, book=None, start=START, end=END, **options
    )


def test_regime_paths_report_ic_and_sharpe_percentiles_the_same_for_a_seed(
    ml_store: SqlStore, tracker: InMemoryTracker
) -> None:
    first = _evaluate(ml_store, tracker, paths=PathsRequest(3, seed=5, model="regime"))
    again = _evaluate(ml_store, tracker, paths=PathsRequest(3, seed=5, model="regime"))
    other = _evaluate(ml_store, tracker, paths=PathsRequest(3, seed=6, model="regime"))
    three = _evaluate(ml_store, tracker, paths=PathsRequest(3, seed=5, model="regime", states=3))

    found = first.robustness
    assert first.path_model == "regime"
    assert found.ic.shape == found.sharpe.shape == (3,)
    assert np.isfinite(found.ic).all()
    assert np.isfinite(found.sharpe).all()
    summary = found.summary()
    for name, values in (("ic", found.ic), ("sharpe", found.sharpe)):
        bands = [summary[f"{name}_p{p}"] for p in PERCENTILES]
        assert bands == sorted(bands)
        assert values.min() <= bands[0] <= bands[-1] <= values.max()
        assert summary[f"{name}_p50"] == pytest.approx(np.median(values))
    assert np.array_equal(found.ic, again.robustness.ic)
    assert np.array_equal(found.sharpe, again.robustness.sharpe)
    assert not np.array_equal(found.ic, other.robustness.ic)
    assert not np.array_equal(found.ic, three.robustness.ic)


def test_paths_are_calibrated_on_the_training_window_only(
    ml_store: SqlStore, tracker: InMemoryTracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[MarketData] = []
    calibrated = service.calibrated_paths

    def spy(market: MarketData, model: str, *, bars: int, states: int) -> Any:
        seen.append(market)
        return calibrated(market, model, bars=bars, states=states)

    monkeypatch.setattr(service, "calibrated_paths", spy)
    found = _evaluate(ml_store, tracker, paths=PathsRequest(1, model="gbm"))

    fitted = found.fitted
    assert fitted.last_day <= TRAINED_UNTIL
    assert seen[0].dates[0] >= np.datetime64(fitted.first_day, "D")
    assert seen[0].dates[-1] <= np.datetime64(fitted.last_day, "D")
    assert found.robustness.ic.shape == (1,)


@pytest.mark.parametrize(
    ("request_of", "message"),
    [
        (lambda: PathsRequest(2, model="astrology"), "unknown path model 'astrology'"),
        (lambda: PathsRequest(-1), "0 or more"),
        (lambda: PathsRequest(2, model="regime", states=4), "2 or 3 states"),
    ],
)
def test_bad_path_requests_are_clear_errors(request_of: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        request_of()


def test_a_risk_policy_resizes_the_signal_backtest_and_reports_its_interventions(
    ml_store: SqlStore, tracker: InMemoryTracker
) -> None:
    tight = parse_policy({"max_position_weight": 0.05})

    free = _evaluate(ml_store, tracker)
    managed = _evaluate(ml_store, tracker, risk_policy=tight)

    assert not free.backtest.risk_managed
    assert free.backtest.interventions.empty
    assert managed.backtest.risk_managed
    assert (managed.backtest.interventions["action"] == "resized").any()
    assert managed.backtest.metrics["turnover"] < free.backtest.metrics["turnover"]


def test_training_under_a_risk_policy_tracks_its_interventions(ml_inputs: FeatureInputs) -> None:
    found = InMemoryTracker()
    tight = parse_policy({"max_position_weight": 0.05})

    tracked = track_training(
        found, train(ml_inputs.as_of(TRAINED_UNTIL), SPEC, risk_policy=tight), "tetra-sample"
    )

    assert tracked.run_id is not None
    report = json.loads(found.artifact(tracked.run_id, REPORT_ARTIFACT))
    run = found.run(tracked.run_id)
    total = report["backtest_interventions"]["interventions_total"]
    assert total > 0
    assert report["risk_policy"] == {"max_position_weight": 0.05}
    assert json.loads(run.params["risk_policy"]) == {"max_position_weight": 0.05}
    assert run.metrics["backtest_interventions"] == total
    assert report["baseline_backtest_interventions"]["interventions_total"] > 0
