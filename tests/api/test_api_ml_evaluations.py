"""POST /api/ml/evaluations: a version on simulated paths and under a policy, as a job.

A DuckDB store in tmp_path holds six symbols of 600 seeded daily bars; the model is trained
on the first 420 and evaluated on the rest. Requests go through httpx's ASGI transport in
the test's event loop, so the background job keeps running between calls.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
from async_api import api_client, seeded_store

from tetra.api.app import create_app
from tetra.api.schemas.ml import PathModel
from tetra.data.ports import Store
from tetra.market import load_market
from tetra.ml.inputs import empty_side_inputs
from tetra.ml.registry import track_training
from tetra.ml.robustness import PATH_MODELS, PERCENTILES
from tetra.ml.spec import TrainSpec
from tetra.ml.training import train
from tetra.testing import InMemoryTracker

SYMBOLS = ("SPY", "AAA", "BBB", "CCC", "DDD", "EEE")
SPEC = TrainSpec.model_validate(
    {"name": "api-eval", "model": "linear", "feature_sets": ("price_volume", "cross_section"),
     "validation": "walk_forward", "train_days": 100, "test_days": 40, "horizon": 3,
     "signal": {"top_k": 2}}
)  # fmt: skip

pytestmark = pytest.mark.anyio


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    with seeded_store(tmp_path, SYMBOLS, 600) as store:
        yield store


@pytest.fixture
def evaluation_start(bars_store: Store) -> dt.date:
    market = load_market(bars_store, list(SYMBOLS), dt.date(2023, 1, 2), dt.date(2026, 1, 1))
    return dt.date.fromisoformat(str(market.dates[440]))


@pytest.fixture
async def client(bars_store: Store) -> AsyncIterator[httpx.AsyncClient]:
    market = load_market(bars_store, list(SYMBOLS), dt.date(2023, 1, 2), dt.date(2026, 1, 1))
    tracker = InMemoryTracker()
    track_training(tracker, train(empty_side_inputs(market.window(0, 420)), SPEC), "tetra-sample")
    async with api_client(create_app(bars_store, api_key="test-key", tracker=tracker)) as client:
        yield client


async def finished(client: httpx.AsyncClient, path: str, seconds: float = 120.0) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        answer = (await client.get(path)).json()
        if answer["status"] in ("done", "failed", "cancelled"):
            return answer
        assert asyncio.get_running_loop().time() < deadline, f"{path} still {answer['status']}"
        await asyncio.sleep(0.1)


async def evaluated(client: httpx.AsyncClient, **body: Any) -> Any:
    started = await client.post("/api/ml/evaluations", json={"model": "api-eval", **body})
    assert started.status_code == 202, started.text
    return await finished(client, f"/api/ml/evaluations/{started.json()['evaluation_id']}")


async def test_regime_paths_and_a_policy_give_percentiles_and_interventions_the_same_per_seed(
    client: httpx.AsyncClient, evaluation_start: dt.date
) -> None:
    body = {"start": evaluation_start.isoformat(), "paths": 3, "path_model": "regime",
            "seed": 4, "risk_policy": {"max_position_weight": 0.2}}  # fmt: skip

    first = await evaluated(client, **body)
    again = await evaluated(client, **body)

    assert first["status"] == "done", first.get("error")
    paths = first["robustness"]
    assert paths["path_model"] == "regime"
    assert len(paths["ic"]) == len(paths["sharpe"]) == 3
    assert all(value is not None for value in paths["ic"] + paths["sharpe"])
    for name in ("ic", "sharpe"):
        bands = [paths["summary"][f"{name}_p{p}"] for p in PERCENTILES]
        assert bands == sorted(bands)
        assert min(paths[name]) <= bands[0] <= bands[-1] <= max(paths[name])
    assert dt.date.fromisoformat(paths["calibrated_to"]) < evaluation_start
    assert first["interventions_total"] > 0  # two holdings of a half each, capped at 20 %
    assert first["interventions"][0]["action"] == "resized"
    assert again["robustness"] == paths
    jobs = (await client.get("/api/jobs")).json()
    assert "ml_evaluation" in {job["kind"] for job in jobs}


@pytest.mark.parametrize(
    ("change", "status", "said"),
    [
        ({"path_model": "astrology"}, 422, "path_model"),
        ({"paths": -1}, 422, "paths"),
        ({"states": 4}, 422, "states"),
        ({"risk_policy": {"max_position_weight": "lots"}}, 422, "max_position_weight"),
        ({"surprise": 1}, 422, "surprise"),
        ({"model": "no-such-model"}, 404, "no-such-model"),
        ({"version": 9}, 404, "no version 9"),
    ],
)
async def test_bad_requests_are_refused_before_a_job_starts(
    client: httpx.AsyncClient, change: dict[str, Any], status: int, said: str
) -> None:
    answer = await client.post("/api/ml/evaluations", json={"model": "api-eval", **change})

    assert answer.status_code == status, answer.text
    assert said in answer.text
    assert (await client.get("/api/jobs")).json() == []


async def test_a_running_evaluation_reports_progress_per_path_and_stops_when_cancelled(
    client: httpx.AsyncClient, evaluation_start: dt.date
) -> None:
    started = await client.post(
        "/api/ml/evaluations",
        json={"model": "api-eval", "start": evaluation_start.isoformat(), "paths": 500},
    )
    path = f"/api/ml/evaluations/{started.json()['evaluation_id']}"
    deadline = asyncio.get_running_loop().time() + 60
    while (await client.get(path)).json()["progress"] <= 0.05:  # at least one path scored
        assert asyncio.get_running_loop().time() < deadline, "no path scored in a minute"
        await asyncio.sleep(0.05)

    cancelled = await client.delete(f"/api/jobs/{started.json()['evaluation_id']}")
    answer = await finished(client, path)

    assert cancelled.status_code == 202, cancelled.text
    assert answer["status"] == "cancelled"
    assert 0.05 < answer["progress"] < 0.5
    assert answer["robustness"] is None


async def test_an_unknown_evaluation_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/ml/evaluations/mle-nope")).status_code == 404


def test_the_request_schema_offers_every_path_model() -> None:
    assert set(get_args(PathModel)) == set(PATH_MODELS)
