"""The tracking port's contract, run on MLflow (SQLite) and on the in-memory fake."""

from __future__ import annotations

from typing import Any

import pytest

from tetra.core.errors import ValidationError
from tetra.ml.tracking import RunRecord, Tracker, TrackingError
from tetra.testing import InMemoryTracker


@pytest.fixture(params=["mlflow", "memory"])
def tracker(request: pytest.FixtureRequest) -> Tracker:
    if request.param == "memory":
        return InMemoryTracker()
    found: Any = request.getfixturevalue("mlflow_tracker")
    return found  # type: ignore[no-any-return]


def a_run(experiment: str = "tetra-test", name: str = "run", ic: float = 0.05) -> RunRecord:
    return RunRecord(
        experiment=experiment,
        name=name,
        params={"model": "linear", "horizon": "5"},
        metrics={"ic": ic, "icir": 0.3},
        series={"daily_ic": ((19_000, 0.1), (19_001, -0.2), (19_002, 0.05))},
        tags={"label": "excess_return"},
        artifacts={"model/model.pkl": b"\x00model-bytes", "report.json": b'{"a": 1}'},
    )


def test_a_recorded_run_gives_back_its_params_metrics_series_and_artifacts(
    tracker: Tracker,
) -> None:
    run_id = tracker.record(a_run())

    run = tracker.run(run_id)
    assert run.experiment == "tetra-test"
    assert run.params["model"] == "linear"
    assert run.metrics["ic"] == pytest.approx(0.05)
    assert run.tags["label"] == "excess_return"
    assert tracker.series(run_id, "daily_ic") == [(19_000, 0.1), (19_001, -0.2), (19_002, 0.05)]
    assert tracker.artifact(run_id, "model/model.pkl") == b"\x00model-bytes"
    assert tracker.artifact(run_id, "report.json") == b'{"a": 1}'


def test_runs_are_listed_newest_first_per_experiment(tracker: Tracker) -> None:
    first = tracker.record(a_run(name="first"))
    second = tracker.record(a_run(name="second"))
    tracker.record(a_run(experiment="other"))

    assert [r.run_id for r in tracker.runs("tetra-test")] == [second, first]
    assert tracker.runs("never-used") == []


def test_registering_counts_versions_and_promotion_is_per_book(tracker: Tracker) -> None:
    runs = [tracker.record(a_run(name=f"r{i}")) for i in range(3)]
    versions = [tracker.register("alpha", run_id, "model/model.pkl") for run_id in runs]

    tracker.promote("alpha", 2, "core-us")
    tracker.promote("alpha", 1, "crypto_book")
    tracker.promote("alpha", 3, "core-us")

    assert versions == [1, 2, 3]
    assert tracker.production("alpha", "core-us") == 3
    assert tracker.production("alpha", "crypto_book") == 1
    assert tracker.production("alpha", "nobody") is None
    listed = {v.version: v for v in tracker.versions("alpha")}
    assert listed[3].books == ("core-us",)
    assert listed[2].books == ()
    assert listed[1].run_id == runs[0]
    assert tracker.models() == ["alpha"]


def test_unknown_runs_models_versions_and_bad_books_are_clear_errors(tracker: Tracker) -> None:
    run_id = tracker.record(a_run())
    tracker.register("alpha", run_id, "model/model.pkl")

    with pytest.raises(TrackingError):
        tracker.run("0" * 32)
    with pytest.raises(TrackingError):
        tracker.artifact(run_id, "missing.bin")
    with pytest.raises(TrackingError):
        tracker.versions("beta")
    with pytest.raises(TrackingError):
        tracker.promote("alpha", 7, "core")
    with pytest.raises(ValidationError, match="book id"):
        tracker.promote("alpha", 1, "core us!")
