"""Walk-forward from the API, a sweep cell's run, sized ones: all against direct library calls.

A DuckDB store in tmp_path holds three symbols of 260 seeded daily bars; requests go through
httpx's ASGI transport in the test's event loop, so the background jobs keep running.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.backtest.research.sweep import sweep
from tetra.backtest.research.walk_forward import walk_forward
from tetra.data.ports import Store
from tetra.market import load_market
from tetra.risk.sizing_policy import parse_sizing
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.library import STRATEGIES

SYMBOLS = ("AAA", "BBB")
START, END = dt.date(2023, 1, 2), dt.date(2023, 12, 29)
GRID = {"fast": [5, 10], "slow": [20, 40]}

pytestmark = pytest.mark.anyio


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    with seeded_store(tmp_path, SYMBOLS, 260) as store:
        yield store


@pytest.fixture
def app(bars_store: Store) -> FastAPI:
    return create_app(bars_store, api_key=KEY)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


def body(**changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "strategy": "sma_crossover",
        "symbols": list(SYMBOLS),
        "start": START.isoformat(),
        "end": END.isoformat(),
        "grid": GRID,
        "train": 100,
        "test": 50,
        "cash": 100_000.0,
        "commission_bps": 5.0,
        "slippage_bps": 2.0,
    }
    return {**request, **changes}


async def finished(client: httpx.AsyncClient, path: str, seconds: float = 90.0) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        answer: dict[str, Any] = (await client.get(path)).json()
        if answer["status"] in ("done", "failed", "cancelled"):
            return answer
        assert asyncio.get_running_loop().time() < deadline, f"{path} still {answer['status']}"
        await asyncio.sleep(0.05)


async def test_walk_forward_folds_and_equity_match_the_library(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    accepted = await client.post("/api/backtests/walk-forwards", json=body())

    assert accepted.status_code == 202, accepted.text
    run_id = accepted.json()["run_id"]
    assert run_id.startswith("walk_forward-")
    detail = await finished(client, f"/api/backtests/walk-forwards/{run_id}")
    assert detail["status"] == "done", detail
    market = load_market(bars_store, list(SYMBOLS), START, END)
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    expected = walk_forward(
        STRATEGIES["sma_crossover"], market, GRID, train=100, test=50, cash=100_000.0,
        costs=costs, pool="thread",
    )  # fmt: skip
    assert len(detail["folds"]) == len(expected.folds) == 3
    for fold, want in zip(detail["folds"], expected.folds, strict=True):
        assert fold["params"] == want.params
        assert fold["in_sample"] == pytest.approx(want.in_sample, rel=1e-12)
        assert fold["out_of_sample"] == pytest.approx(want.out_of_sample, rel=1e-12)
    days = [(f["test_first"], f["test_last"]) for f in detail["folds"]]
    assert days[0][0] > detail["folds"][0]["train_last"]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(days))
    assert detail["equity"][-1]["equity"] == pytest.approx(expected.equity.iloc[-1], rel=1e-12)
    assert detail["spec"]["train"] == 100
    assert detail["params"]["symbols"] == list(SYMBOLS)


async def test_a_walk_forward_is_listed_with_the_stored_runs(client: httpx.AsyncClient) -> None:
    run_id = (await client.post("/api/backtests/walk-forwards", json=body())).json()["run_id"]
    await finished(client, f"/api/backtests/walk-forwards/{run_id}")

    listed = (await client.get("/api/backtests/runs")).json()["items"]

    assert [(r["run_id"], r["mode"]) for r in listed] == [(run_id, "walk_forward")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"step": 20}, "body"),  # shorter than test: test windows would overlap
        ({"grid": {"nope": [1]}}, "grid"),
        ({"grid": {"fast": [50], "slow": [20]}}, "grid"),  # no valid combination
        ({"grid": {"fast": []}}, "grid"),
        ({"metric": "luck"}, "metric"),
        ({"strategy": "nope"}, "strategy"),
        ({"train": 1}, "train"),
        ({"end": "2022-01-01"}, "body"),
    ],
)
async def test_a_bad_walk_forward_is_a_422_naming_the_field(
    client: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/backtests/walk-forwards", json=body(**changes))

    assert response.status_code == 422, response.text
    locations = [d["loc"] for d in response.json()["error"]["details"]]
    assert any(field in loc for loc in locations), locations


async def test_windows_longer_than_the_bars_fail_the_job_saying_so(
    client: httpx.AsyncClient,
) -> None:
    run_id = (await client.post("/api/backtests/walk-forwards", json=body(train=300))).json()[
        "run_id"
    ]

    detail = await finished(client, f"/api/backtests/walk-forwards/{run_id}")

    assert detail["status"] == "failed"
    assert "260 bars" in detail["error"]
    assert "no fold of train 300 + test 50" in detail["error"]


async def test_an_unknown_or_plain_run_is_not_a_walk_forward(client: httpx.AsyncClient) -> None:
    run = {k: v for k, v in body().items() if k not in ("grid", "train", "test")}
    run["params"] = {"fast": 5, "slow": 20}
    run_id = (await client.post("/api/backtests/runs", json=run)).json()["run_id"]
    await finished(client, f"/api/backtests/runs/{run_id}")

    plain = await client.get(f"/api/backtests/walk-forwards/{run_id}")
    unknown = await client.get("/api/backtests/walk-forwards/walk_forward-nope")
    cancel_unknown = await client.delete("/api/backtests/walk-forwards/walk_forward-nope")

    assert plain.status_code == 404
    assert "not a walk-forward" in plain.text
    assert unknown.status_code == 404
    assert cancel_unknown.status_code == 404


async def test_a_sweep_cell_reopened_as_a_run_has_the_cells_metric(
    client: httpx.AsyncClient,
) -> None:
    """The web opens a cell by running its parameters: the run must reproduce the cell."""
    sweep = {k: v for k, v in body().items() if k not in ("train", "test")}
    sweep_id = (await client.post("/api/backtests/sweeps", json=sweep)).json()["sweep_id"]
    cells = (await finished(client, f"/api/backtests/sweeps/{sweep_id}"))["rows"]
    assert len(cells) == 4

    for cell in cells:
        run = {k: v for k, v in sweep.items() if k != "grid"}
        run["params"] = {"fast": cell["fast"], "slow": cell["slow"]}
        run_id = (await client.post("/api/backtests/runs", json=run)).json()["run_id"]
        detail = await finished(client, f"/api/backtests/runs/{run_id}")

        assert detail["metrics"]["sharpe_ratio"] == pytest.approx(cell["sharpe_ratio"], rel=1e-12)
        assert detail["metrics"]["total_return"] == pytest.approx(cell["total_return"], rel=1e-12)


QUARTER = {"method": "fixed_fractional", "fraction": 0.25}
COSTS = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))


async def test_a_sized_sweep_differs_from_the_unsized_one_and_matches_the_library(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    sweep_body = {k: v for k, v in body().items() if k not in ("train", "test")}
    rows = {}
    for sizing in (None, QUARTER):
        started = await client.post("/api/backtests/sweeps", json={**sweep_body, "sizing": sizing})
        assert started.status_code == 202, started.text
        detail = await finished(client, f"/api/backtests/sweeps/{started.json()['sweep_id']}")
        assert detail["status"] == "done", detail
        rows[str(sizing)] = [row["final_equity"] for row in detail["rows"]]

    market = load_market(bars_store, list(SYMBOLS), START, END)
    expected = sweep(STRATEGIES["sma_crossover"], market, GRID, cash=100_000.0, costs=COSTS,
                     pool="thread", sizing=parse_sizing(QUARTER))  # fmt: skip
    assert rows[str(QUARTER)] == pytest.approx(list(expected["final_equity"]), rel=1e-12)
    assert rows[str(QUARTER)] != rows["None"]


async def test_a_sized_walk_forward_differs_from_the_unsized_one_and_matches_the_library(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    ends = {}
    for sizing in (None, QUARTER):
        started = await client.post("/api/backtests/walk-forwards", json=body(sizing=sizing))
        assert started.status_code == 202, started.text
        detail = await finished(client, f"/api/backtests/walk-forwards/{started.json()['run_id']}")
        assert detail["status"] == "done", detail
        ends[str(sizing)] = detail["equity"][-1]["equity"]

    market = load_market(bars_store, list(SYMBOLS), START, END)
    expected = walk_forward(
        STRATEGIES["sma_crossover"], market, GRID, train=100, test=50, cash=100_000.0,
        costs=COSTS, pool="thread", sizing=parse_sizing(QUARTER),
    )  # fmt: skip
    assert ends[str(QUARTER)] == pytest.approx(expected.equity.iloc[-1], rel=1e-12)
    assert ends[str(QUARTER)] != pytest.approx(ends["None"], rel=1e-9)
    assert detail["params"]["sizing"] == QUARTER


@pytest.mark.parametrize("route", ["/api/backtests/sweeps", "/api/backtests/walk-forwards"])
@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"sizing": {"method": "fixed_fractional"}}, ["body", "sizing", "fraction"]),
        ({"sizing": {"method": "martingale"}}, ["body", "sizing", "method"]),
        (
            {"risk_policy": {"sizing": {"method": "fixed_risk"}}},
            ["body", "risk_policy", "sizing", "risk"],
        ),
        ({"exits": {"stop_loss": 2.0}}, ["body", "exits", "stop_loss"]),
    ],
)
async def test_a_bad_risk_option_is_a_422_at_the_field_on_sweeps_and_walk_forwards(
    client: httpx.AsyncClient, route: str, changes: dict[str, Any], loc: list[str]
) -> None:
    request = body(**changes)
    if route.endswith("sweeps"):
        request = {k: v for k, v in request.items() if k not in ("train", "test")}

    response = await client.post(route, json=request)

    assert response.status_code == 422, response.text
    locations = [d["loc"] for d in response.json()["error"]["details"]]
    assert any(found[: len(loc)] == loc for found in locations), locations
