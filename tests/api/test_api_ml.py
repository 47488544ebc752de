"""/api/ml: runs and models from the tracker, predictions from the store, bad input clear."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import API_KEY, ApiClient
from tetra.api.app import create_app
from tetra.data.store_kind import StoreKind
from tetra.market import MarketData
from tetra.ml.inputs import empty_side_inputs
from tetra.ml.registry import track_training
from tetra.ml.spec import TrainSpec
from tetra.ml.storage import write_predictions
from tetra.ml.training import train
from tetra.testing import InMemoryStore, InMemoryTracker

SPEC = TrainSpec.model_validate(
    {"name": "api-model", "model": "linear", "feature_sets": ("price_volume", "cross_section"),
     "validation": "walk_forward", "train_days": 150, "test_days": 50, "horizon": 3}
)  # fmt: skip


def generated_market(days: int = 420, symbols: int = 8) -> MarketData:
    rng = np.random.default_rng(4)
    close = 50 * np.cumprod(1 + rng.normal(0.0003, 0.015, (days, symbols)), axis=0)
    open_ = close * (1 + rng.normal(0, 0.002, close.shape))
    high, low = np.maximum(open_, close) * 1.004, np.minimum(open_, close) * 0.996
    dates = np.busday_offset("2023-01-02", np.arange(days), roll="forward")
    ones, zeros = np.ones(close.shape), np.zeros(close.shape)
    names = ("SPY", *(f"S{n}" for n in range(1, symbols)))
    volume = rng.uniform(1e5, 1e6, close.shape)
    return MarketData(dates, names, open_, high, low, close, volume, ones, zeros)


@pytest.fixture(scope="module")
def served() -> tuple[ApiClient, Any]:
    market = generated_market()
    result = train(empty_side_inputs(market), SPEC)
    tracker = InMemoryTracker()
    tracked = track_training(tracker, result, "tetra-sample")
    store = InMemoryStore(StoreKind.SAMPLE)
    store.migrate()
    rows = pd.DataFrame(
        {"date": [dt.date(2024, 8, 1)] * 3 + [dt.date(2024, 8, 2)] * 3,
         "symbol": ["SPY", "S1", "S2"] * 2, "score": [0.1, -0.2, 0.3, 0.01, 0.02, -0.05]}
    )  # fmt: skip
    write_predictions(store, rows, model="api-model", version=1, horizon=3, sets=result.fitted.sets,
                      now=dt.datetime(2024, 8, 2, 21, tzinfo=dt.UTC))  # fmt: skip
    return ApiClient(create_app(store, api_key=API_KEY, tracker=tracker)), tracked


def test_runs_list_the_tracked_run_and_its_report_holds_what_the_page_draws(served: Any) -> None:
    client, tracked = served

    runs = client.json("/api/ml/runs")
    detail = client.json(f"/api/ml/runs/{tracked.run_id}")

    assert [r["run_id"] for r in runs] == [tracked.run_id]
    assert runs[0]["model"] == "linear"
    assert runs[0]["metrics"]["ic"] == pytest.approx(tracked.evaluation.summary.ic)
    assert detail["summary"]["ic"] == pytest.approx(tracked.evaluation.summary.ic)
    assert len(detail["daily"]) == tracked.evaluation.summary.days
    assert {p["feature"] for p in detail["importance"]} == set(tracked.fitted.features)
    values = [p["importance"] for p in detail["importance"]]
    assert values == sorted(values, reverse=True)
    assert detail["equity"][0]["equity"] == pytest.approx(1_000_000.0, rel=0.01)
    assert detail["spec"]["horizon"] == 3


def test_models_promote_and_predictions(served: Any) -> None:
    client, _ = served

    promoted = client.request(
        "POST", "/api/ml/models/api-model/versions/1/promote", json={"book": "core-us"}
    )
    models = client.json("/api/ml/models")
    latest = client.json("/api/ml/predictions", params={"model": "api-model"})
    earlier = client.json(
        "/api/ml/predictions", params={"model": "api-model", "date": "2024-08-01"}
    )

    assert promoted.status_code == 200, promoted.text
    assert [m["name"] for m in models] == ["api-model"]
    assert [(v["version"], v["books"]) for v in models[0]["versions"]] == [(1, ["core-us"])]
    assert latest["date"] == "2024-08-02"
    assert [p["symbol"] for p in latest["predictions"]] == ["S1", "SPY", "S2"]
    assert [p["symbol"] for p in earlier["predictions"]] == ["S2", "SPY", "S1"]
    assert client.json("/api/ml/feature-sets")[0]["name"] == "price_volume"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/api/ml/runs/nope", None, 404),
        ("GET", "/api/ml/predictions?model=ghost", None, 404),
        ("GET", "/api/ml/predictions", None, 422),
        ("GET", "/api/ml/predictions?model=api-model&date=yesterday", None, 422),
        ("GET", "/api/ml/runs?limit=0", None, 422),
        ("POST", "/api/ml/models/ghost/versions/1/promote", {"book": "core"}, 404),
        ("POST", "/api/ml/models/api-model/versions/9/promote", {"book": "core"}, 404),
        ("POST", "/api/ml/models/api-model/versions/1/promote", {"book": "a b"}, 422),
        ("POST", "/api/ml/models/api-model/versions/x/promote", {"book": "core"}, 422),
        ("POST", "/api/ml/models/api-model/versions/1/promote", {}, 422),
    ],
)
def test_bad_input_gets_a_clear_4xx_never_a_500(
    served: Any, method: str, path: str, body: Any, status: int
) -> None:
    client, _ = served

    response = client.request(method, path, json=body)

    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]


def test_without_a_tracker_the_runs_answer_503() -> None:
    store = InMemoryStore()
    store.migrate()
    client = ApiClient(create_app(store, api_key=API_KEY))

    assert client.get("/api/ml/runs").status_code == 503
    assert client.get("/api/ml/feature-sets").status_code == 200


def test_a_tracker_factory_is_called_once_on_first_use() -> None:
    store = InMemoryStore()
    store.migrate()
    made: list[InMemoryTracker] = []

    def factory() -> InMemoryTracker:
        made.append(InMemoryTracker())
        return made[-1]

    client = ApiClient(create_app(store, api_key=API_KEY, tracker=factory))

    assert made == []
    assert client.json("/api/ml/runs") == []
    assert client.json("/api/ml/models") == []
    assert len(made) == 1
