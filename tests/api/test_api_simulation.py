"""The simulation area of the API: models and scenarios, runs in the background with
progress events, stored results, and a 422 naming the field for every bad request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.compute import SerialExecutor
from tetra.data.ports import Query, Store

SYMBOLS = ("SPY", "TLT", "GLD", "BTC")

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    """A live DuckDB store with two years of daily bars for the four factor proxies."""
    with seeded_store(tmp_path, SYMBOLS, periods=520) as store:
        yield store


@pytest.fixture
def app(bars_store: Store, tmp_path: Path) -> FastAPI:
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\nkind = "hypothetical"\n[shock]\nSPY = -0.3\n'
    )
    return create_app(
        bars_store, api_key=KEY, simulation_executor=SerialExecutor, scenario_dirs=[tmp_path]
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "montecarlo", "strategy": "sma_crossover", "params": {"fast": 5, "slow": 20},
        "symbols": ["SPY", "TLT"], "model": "bootstrap", "paths": 12, "bars": 60, "seed": 4,
    }  # fmt: skip
    return {**values, **changes}


async def finished(client: httpx.AsyncClient, run_id: str) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        answer = (await client.get(f"/api/simulation/runs/{run_id}")).json()
        if answer["status"] in ("done", "failed"):
            return answer
        assert asyncio.get_running_loop().time() < deadline, answer
        await asyncio.sleep(0.05)


async def test_models_and_scenarios_list_the_catalog(client: httpx.AsyncClient) -> None:
    models = (await client.get("/api/simulation/models")).json()
    assert {m["name"] for m in models} == {"gbm", "merton", "garch", "bootstrap", "regime"}
    scenarios = {s["name"]: s for s in (await client.get("/api/simulation/scenarios")).json()}
    assert scenarios["covid_crash"]["window"] == "2020-02-19 .. 2020-03-23"
    assert scenarios["mine"]["shock"] == {"SPY": -0.3}


async def test_a_monte_carlo_runs_in_the_background_with_progress_events(
    client: httpx.AsyncClient, app: FastAPI, bars_store: Store
) -> None:
    events = app.state.hub.subscribe()
    accepted = await client.post(
        "/api/simulation/runs",
        json=body(shocks=[{"kind": "halt", "symbol": "SPY", "at": 5, "bars": 3}]),
    )
    assert accepted.status_code == 202, accepted.text
    run_id = accepted.json()["run_id"]
    detail = await finished(client, run_id)
    assert detail["status"] == "done", detail
    assert len(detail["bands"]) == 61
    assert {h["metric"] for h in detail["histograms"]} >= {"total_return", "max_drawdown"}
    assert sum(detail["histograms"][0]["counts"]) == 12
    assert 0.0 <= detail["probability_of_loss"] <= 1.0
    assert detail["spec"]["shocks"][0]["kind"] == "halt"
    seen = []
    while not events.empty():
        event = events.get_nowait()
        if event.get("type") == "simulation" and event.get("run_id") == run_id:
            seen.append((event["status"], event["progress"]))
    assert seen[0] == ("queued", 0.0)
    assert seen[-1] == ("done", 1.0)
    assert any(status == "running" and 0 < progress < 1 for status, progress in seen)
    stored = bars_store.read(Query("simulation.outcomes", where={"run_id": run_id}))
    assert len(stored) == 12
    listed = (await client.get("/api/simulation/runs")).json()
    assert listed["items"][0]["run_id"] == run_id


async def test_a_stress_run_of_a_portfolio_has_rows_per_scenario_and_holding(
    client: httpx.AsyncClient,
) -> None:
    accepted = await client.post(
        "/api/simulation/runs",
        json={
            "kind": "stress",
            "portfolio": {"SPY": 0.6, "TLT": 0.4},
            "scenarios": ["mine", "rates_up_200bp", "covid_crash"],
        },
    )
    assert accepted.status_code == 202, accepted.text
    detail = await finished(client, accepted.json()["run_id"])
    assert detail["status"] == "done", detail
    rows = {s["scenario"]: s for s in detail["scenarios"]}
    assert rows["mine"]["method"] == "factor"
    assert rows["covid_crash"]["method"] == "factor"  # the store starts in 2023
    assert {h["symbol"] for h in rows["mine"]["holdings"]} == {"SPY", "TLT"}
    spy = next(h for h in rows["mine"]["holdings"] if h["symbol"] == "SPY")
    assert spy["scenario_return"] == pytest.approx(-0.3)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"strategy": "nope"}, "strategy", "unknown strategy 'nope'"),
        ({"params": {"fast": 30, "slow": 10}}, "strategy", "bad parameters for sma_crossover"),
        ({"symbols": ["SPY", "NOPE"]}, "symbols", "unknown symbol NOPE"),
        ({"model": "heston"}, "model", "unknown market model 'heston'"),
        (
            {"shocks": [{"kind": "gap", "symbol": "SPY", "at": "soon", "move": 0.1}]},
            "shocks",
            "at='soon' is not a valid int",
        ),
        ({"kind": "stress", "scenarios": ["atlantis"]}, "scenarios", "unknown scenario atlantis"),
    ],
)
async def test_bad_requests_are_422_naming_the_field(
    client: httpx.AsyncClient, changes: dict[str, Any], field: str, message: str
) -> None:
    answer = await client.post("/api/simulation/runs", json=body(**changes))
    assert answer.status_code == 422, answer.text
    assert message in answer.text
    assert field in answer.text


async def test_schema_level_bad_input_is_422(client: httpx.AsyncClient) -> None:
    for changes in ({"paths": 0}, {"bars": 1}, {"portfolio": {"SPY": 1.0}}, {"strategy": None}):
        answer = await client.post("/api/simulation/runs", json=body(**changes))
        assert answer.status_code == 422, (changes, answer.text)


async def test_an_unknown_run_is_404(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/simulation/runs/nope")
    assert answer.status_code == 404
