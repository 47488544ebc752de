"""The backtests area of the API: strategies, runs in the background, results and comparisons.

A DuckDB store in tmp_path holds three symbols of seeded daily bars; requests go through
httpx's ASGI transport, so each test runs the app in its own event loop.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.backtest.research.sweep import configure
from tetra.backtest.run import run_backtest
from tetra.data.ports import Query as StoreQuery
from tetra.data.ports import Store
from tetra.market import Adjustment, load_market
from tetra.risk.policy import parse_policy
from tetra.risk.sizing_policy import parse_sizing
from tetra.settings import JobsSettings
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.library import STRATEGIES

SYMBOLS = ("AAA", "BBB", "CCC")
START, END = dt.date(2023, 1, 2), dt.date(2023, 12, 29)
CROSSOVER = {"fast": 5, "slow": 20}

pytestmark = pytest.mark.anyio


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    """Give a live DuckDB store holding a year of daily bars for three symbols."""
    with seeded_store(tmp_path, SYMBOLS, 260) as store:
        yield store


@pytest.fixture
def app(bars_store: Store) -> FastAPI:
    return create_app(bars_store, api_key=KEY)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


def run_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "strategy": "sma_crossover",
        "symbols": list(SYMBOLS[:2]),
        "start": START.isoformat(),
        "end": END.isoformat(),
        "params": CROSSOVER,
        "cash": 100_000.0,
        "commission_bps": 5.0,
        "slippage_bps": 2.0,
    }
    return {**body, **changes}


async def finished(client: httpx.AsyncClient, path: str, seconds: float = 60.0) -> dict[str, Any]:
    """Poll `path` until its status is done or failed; return the last answer."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        answer = (await client.get(path)).json()
        if answer["status"] in ("done", "failed"):
            return answer
        assert asyncio.get_running_loop().time() < deadline, f"{path} still {answer['status']}"
        await asyncio.sleep(0.05)


async def completed_run(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    accepted = await client.post("/api/backtests/runs", json=run_body(**changes))
    assert accepted.status_code == 202, accepted.text
    detail = await finished(client, f"/api/backtests/runs/{accepted.json()['run_id']}")
    assert detail["status"] == "done", detail
    return detail


def assert_error_model(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    return body["error"]


async def test_strategies_list_every_registered_strategy_with_its_config_schema(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/backtests/strategies")

    assert response.status_code == 200
    listed = {s["name"]: s for s in response.json()}
    assert set(listed) == set(STRATEGIES)
    schema = listed["sma_crossover"]["config_schema"]
    assert schema == STRATEGIES["sma_crossover"].Config.model_json_schema()
    assert {"fast", "slow"} <= set(schema["properties"])


async def test_posted_run_completes_with_the_final_equity_of_a_direct_backtest(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    detail = await completed_run(client)

    cls = STRATEGIES["sma_crossover"]
    market = load_market(bars_store, list(SYMBOLS[:2]), START, END)
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    expected = run_backtest(cls(**CROSSOVER, cash=100_000.0), market, cash=100_000.0, costs=costs)
    assert detail["equity"][-1]["equity"] == pytest.approx(expected.final_equity, rel=1e-12)
    assert len(detail["equity"]) == len(expected.equity)
    assert detail["trades_total"] == len(expected.trades)
    assert detail["metrics"]["total_return"] == pytest.approx(
        expected.metrics().total_return, rel=1e-12
    )


async def test_a_run_under_a_risk_policy_with_exits_keeps_its_interventions_and_reasons(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    policy = {"max_position_weight": 0.3, "max_drawdown": 0.05, "persistence": 1}
    exits = {"stop_loss": 0.03, "take_profit": 0.08}

    detail = await completed_run(client, risk_policy=policy, exits=exits)

    assert detail["status"] == "done", detail
    market = load_market(bars_store, list(SYMBOLS[:2]), START, END)
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    strategy = STRATEGIES["sma_crossover"](**CROSSOVER, cash=100_000.0)
    expected = run_backtest(strategy, market, cash=100_000.0, costs=costs,
                            risk_policy=parse_policy(policy), exits=Exits(**exits))  # fmt: skip
    assert detail["equity"][-1]["equity"] == pytest.approx(expected.final_equity, rel=1e-12)
    assert detail["interventions_total"] == len(expected.interventions) > 0
    got = [(i["action"], i["code"], i["reason"]) for i in detail["interventions"]]
    want = expected.interventions[["action", "code", "reason"]].itertuples(index=False)
    assert got == [tuple(row) for row in want][: len(got)]
    reasons = [t["exit_reason"] or "" for t in detail["trades"]]
    assert reasons == list(expected.trades["exit_reason"])[: len(reasons)]
    assert {"stop_loss", "take_profit"} & set(reasons)
    assert detail["params"]["risk_policy"] == policy


async def test_a_sized_run_matches_a_direct_sized_backtest_and_keeps_its_sizing(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    sizing = {"method": "volatility_target", "target": 0.05, "lookback": 20}

    detail = await completed_run(client, sizing=sizing)
    unsized = await completed_run(client)

    market = load_market(bars_store, list(SYMBOLS[:2]), START, END)
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    strategy = STRATEGIES["sma_crossover"](**CROSSOVER, cash=100_000.0)
    expected = run_backtest(strategy, market, cash=100_000.0, costs=costs,
                            sizing=parse_sizing(sizing))  # fmt: skip
    assert detail["equity"][-1]["equity"] == pytest.approx(expected.final_equity, rel=1e-12)
    assert detail["equity"][-1]["equity"] != unsized["equity"][-1]["equity"]
    assert detail["params"]["sizing"] == sizing


async def test_run_detail_holds_drawdown_monthly_returns_and_params(
    client: httpx.AsyncClient,
) -> None:
    detail = await completed_run(client)

    assert detail["strategy"] == "sma_crossover"
    config = detail["config"]
    assert (config["fast"], config["slow"], config["cash"]) == (5, 20, 100_000.0)
    assert detail["params"]["symbols"] == ["AAA", "BBB"]
    assert all(point["drawdown"] <= 0.0 for point in detail["drawdown"])
    assert len(detail["drawdown"]) == len(detail["equity"])
    [year] = detail["monthly_returns"]
    assert year["year"] == 2023
    assert len(year["months"]) == 12
    final = detail["equity"][-1]["equity"]
    assert year["total"] == pytest.approx(final / 100_000.0 - 1.0, rel=1e-9)
    assert len(detail["trades"]) == min(500, detail["trades_total"])
    assert isinstance(detail["warnings"], list)


@pytest.mark.parametrize(
    ("strategy", "symbols", "params"),
    [
        ("butterfly", ["CCC", "AAA", "BBB"], {"window": 20, "entry_z": 1.0}),
        ("butterfly", ["BBB", "CCC", "AAA"], {"window": 20, "entry_z": 1.0}),
        ("pair", ["BBB", "AAA"], {"window": 20, "entry_z": 1.0}),
        ("switch", ["CCC", "AAA"], {"lookback": 20, "min_hold": 5}),
    ],
)
async def test_multi_leg_runs_keep_the_users_leg_order_and_name_each_role(
    client: httpx.AsyncClient,
    bars_store: Store,
    strategy: str,
    symbols: list[str],
    params: dict[str, Any],
) -> None:
    detail = await completed_run(client, strategy=strategy, symbols=symbols, params=params)

    cls = STRATEGIES[strategy]
    assert detail["params"]["symbols"] == symbols
    assert [leg["symbol"] for leg in detail["legs"]] == symbols
    assert [leg["role"] for leg in detail["legs"]] == list(cls.leg_roles)
    legs_named = cls(configure(cls, {**params, "symbols": symbols}, 100_000.0))
    market = load_market(bars_store, sorted(symbols), START, END)
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    expected = run_backtest(legs_named, market, cash=100_000.0, costs=costs)
    assert detail["equity"][-1]["equity"] == pytest.approx(expected.final_equity, rel=1e-12)
    assert detail["trades_total"] == len(expected.trades) > 0


async def test_single_leg_strategies_list_no_roles(client: httpx.AsyncClient) -> None:
    detail = await completed_run(client, symbols=["BBB", "AAA"])

    assert detail["params"]["symbols"] == ["BBB", "AAA"]
    assert detail["legs"] == []


@pytest.mark.parametrize(
    ("strategy", "params"),
    [("buy_and_hold", {}), ("sma_crossover", CROSSOVER)],
)
async def test_trade_counts_agree_between_metrics_table_and_totals(
    client: httpx.AsyncClient, strategy: str, params: dict[str, Any]
) -> None:
    detail = await completed_run(client, strategy=strategy, params=params)

    trades = detail["trades"]
    still_open = [t for t in trades if t["exit_ts"] is None]
    closed = [t for t in trades if t["exit_ts"] is not None]
    assert still_open, "both strategies hold positions at the end of the year"
    assert detail["metrics"]["number_of_trades"] == detail["trades_closed"] == len(closed)
    assert detail["metrics"]["open_trades"] == detail["trades_open"] == len(still_open)
    assert detail["trades_total"] == len(trades)
    assert all(t["pnl"] is None and t["unrealised_pnl"] is not None for t in still_open)
    assert all(t["pnl"] is not None and t["unrealised_pnl"] is None for t in closed)
    unrealised = sum(t["unrealised_pnl"] for t in still_open)
    assert detail["metrics"]["unrealised_pnl"] == pytest.approx(unrealised, abs=1e-6)
    booked = sum(t["pnl"] for t in closed) + unrealised
    assert booked == pytest.approx(detail["equity"][-1]["equity"] - 100_000.0, abs=1e-3)


async def test_a_benchmark_gives_alpha_and_beta_and_the_adjustment_is_kept(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    detail = await completed_run(client, benchmark="CCC", adjustment="total_return")
    without = await completed_run(client)

    assert detail["params"]["benchmark"] == "CCC"
    assert detail["params"]["adjustment"] == "total_return"
    assert detail["metrics"]["beta"] is not None
    assert detail["metrics"]["alpha"] is not None
    assert without["metrics"]["beta"] is None
    market = load_market(
        bars_store, list(SYMBOLS[:2]), START, END, adjustment=Adjustment.TOTAL_RETURN
    )
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    result = run_backtest(
        STRATEGIES["sma_crossover"](**CROSSOVER, cash=100_000.0),
        market,
        cash=100_000.0,
        costs=costs,
    )
    bench = load_market(bars_store, ["CCC"], START, END, adjustment=Adjustment.TOTAL_RETURN)
    returns = pd.Series(bench.close[:, 0], index=result.equity.index).pct_change().iloc[1:]
    expected = result.metrics(benchmark_returns=returns)
    assert detail["metrics"]["beta"] == pytest.approx(expected.beta, rel=1e-9)
    assert detail["metrics"]["alpha"] == pytest.approx(expected.alpha, rel=1e-9)


async def test_a_benchmark_without_bars_fails_the_run_naming_it(client: httpx.AsyncClient) -> None:
    accepted = await client.post("/api/backtests/runs", json=run_body(benchmark="ZZZ"))

    detail = await finished(client, f"/api/backtests/runs/{accepted.json()['run_id']}")
    assert detail["status"] == "failed"
    assert "ZZZ" in detail["error"]


async def test_a_run_is_queued_then_reports_progress_until_done(
    client: httpx.AsyncClient,
) -> None:
    accepted = await client.post("/api/backtests/runs", json=run_body())

    assert accepted.status_code == 202
    assert accepted.json()["status"] == "queued"
    detail = await finished(client, f"/api/backtests/runs/{accepted.json()['run_id']}")
    assert (detail["status"], detail["progress"]) == ("done", 1.0)


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"strategy": "no_such_strategy"}, ["body", "strategy"]),
        ({"params": {"fast": 30, "slow": 10}}, ["body", "params"]),
        ({"params": {"no_such_param": 1}}, ["body", "params", "no_such_param"]),
        ({"symbols": []}, ["body", "symbols"]),
        ({"end": "2022-01-01"}, ["body"]),
        ({"cash": -1}, ["body", "cash"]),
        ({"exits": {"stop_loss": 0.05, "stop_loss_atr": 2}}, ["body", "exits", "stop_loss"]),
        ({"exits": {"stop_loss": 1.5}}, ["body", "exits", "stop_loss"]),
        ({"exits": {"time_exit": 0}}, ["body", "exits", "time_exit"]),
        ({"sizing": {"method": "volatility_target"}}, ["body", "sizing", "target"]),
        ({"sizing": {"method": "kelly", "risk": 0.1}}, ["body", "sizing", "risk"]),
        ({"sizing": {"method": "martingale"}}, ["body", "sizing", "method"]),
        (
            {"risk_policy": {"sizing": {"method": "fixed_risk"}}},
            ["body", "risk_policy", "sizing", "risk"],
        ),
    ],
)
async def test_invalid_runs_are_refused_with_the_error_model(
    client: httpx.AsyncClient, changes: dict[str, Any], location: list[str]
) -> None:
    response = await client.post("/api/backtests/runs", json=run_body(**changes))

    error = assert_error_model(response, 422, "invalid_request")
    assert any(d["loc"][: len(location)] == location for d in error["details"]), error


async def test_a_run_without_bars_fails_with_its_reason_and_no_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    accepted = await client.post("/api/backtests/runs", json=run_body(symbols=["ZZZ"]))

    assert accepted.status_code == 202
    detail = await finished(client, f"/api/backtests/runs/{accepted.json()['run_id']}")
    assert detail["status"] == "failed"
    assert "ZZZ" in detail["error"]
    [logged] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert "ZZZ" in logged.getMessage()
    assert not logged.exc_info


async def test_a_start_before_the_data_is_said_in_the_results(
    client: httpx.AsyncClient,
) -> None:
    detail = await completed_run(client, start="2020-01-01", end="2024-06-30")

    first = detail["equity"][0]["date"]
    assert any(f"the data starts on {first}" in w for w in detail["warnings"]), detail["warnings"]
    assert any("before the end asked for (2024-06-30)" in w for w in detail["warnings"])


async def test_a_run_within_the_data_has_no_date_warning(client: httpx.AsyncClient) -> None:
    detail = await completed_run(client)

    assert not any("the data" in w for w in detail["warnings"])


async def test_runs_are_listed_newest_first_and_paginated(client: httpx.AsyncClient) -> None:
    first = await completed_run(client)
    second = await completed_run(client, strategy="buy_and_hold", params={})

    page = (await client.get("/api/backtests/runs", params={"limit": 1})).json()
    rest = (await client.get("/api/backtests/runs", params={"offset": 1, "limit": 1})).json()

    assert page["total"] == 2
    assert [run["run_id"] for run in page["items"]] == [second["run_id"]]
    assert [run["run_id"] for run in rest["items"]] == [first["run_id"]]
    assert page["items"][0]["strategy"] == "buy_and_hold"
    assert page["items"][0]["total_return"] == pytest.approx(second["metrics"]["total_return"])


async def test_runs_list_symbols_and_config_and_filter_by_strategy_and_symbol(
    client: httpx.AsyncClient,
) -> None:
    crossover = await completed_run(client, symbols=["BBB", "AAA"])
    held = await completed_run(client, strategy="buy_and_hold", params={}, symbols=["CCC"])

    everything = (await client.get("/api/backtests/runs")).json()
    by_strategy = await client.get("/api/backtests/runs", params={"strategy": "sma_crossover"})
    by_symbol = (await client.get("/api/backtests/runs", params={"symbol": "ccc"})).json()

    listed = {run["run_id"]: run for run in everything["items"]}
    assert listed[crossover["run_id"]]["symbols"] == ["BBB", "AAA"]
    assert listed[crossover["run_id"]]["config"]["fast"] == 5
    assert [run["run_id"] for run in by_strategy.json()["items"]] == [crossover["run_id"]]
    assert by_strategy.json()["total"] == 1
    assert [run["run_id"] for run in by_symbol["items"]] == [held["run_id"]]


async def test_a_deleted_run_is_gone_with_its_trades_and_a_second_delete_is_not_found(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    kept = await completed_run(client, strategy="buy_and_hold", params={})
    doomed = await completed_run(client)
    path = f"/api/backtests/runs/{doomed['run_id']}"

    deleted = await client.delete(path)
    again = await client.delete(path)

    assert deleted.status_code == 204
    assert_error_model(again, 404, "not_found")
    assert (await client.get(path)).status_code == 404
    listed = (await client.get("/api/backtests/runs")).json()
    assert [run["run_id"] for run in listed["items"]] == [kept["run_id"]]
    for table in ("strategies.trades", "strategies.signals", "strategies.performance"):
        left = bars_store.read(StoreQuery(table, where={"run_id": doomed["run_id"]}))
        assert left.empty, table
    assert (await client.get(f"/api/backtests/runs/{kept['run_id']}")).json()["status"] == "done"


async def test_trades_download_as_csv_with_every_trade(client: httpx.AsyncClient) -> None:
    detail = await completed_run(client)

    response = await client.get(f"/api/backtests/runs/{detail['run_id']}/trades.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == detail["trades_total"]
    assert rows[0]["symbol"] == detail["trades"][0]["symbol"]
    assert float(rows[0]["entry_price"]) == pytest.approx(detail["trades"][0]["entry_price"])
    still_open = [r for r in rows if not r["exit_ts"]]
    assert len(still_open) == detail["trades_open"]
    assert all(r["unrealised_pnl"] for r in still_open)


async def test_trades_csv_of_an_unknown_run_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/backtests/runs/nope/trades.csv")

    assert_error_model(response, 404, "not_found")


async def test_compare_normalises_every_equity_curve_to_start_at_one(
    client: httpx.AsyncClient,
) -> None:
    first = await completed_run(client)
    second = await completed_run(client, strategy="buy_and_hold", params={})
    ids = [first["run_id"], second["run_id"]]

    response = await client.get("/api/backtests/compare", params={"run_id": ids})

    assert response.status_code == 200, response.text
    body = response.json()
    assert [run["run_id"] for run in body["runs"]] == ids
    for run, detail in zip(body["runs"], (first, second), strict=True):
        assert run["equity"][0]["equity"] == pytest.approx(1.0)
        start, end = detail["equity"][0]["equity"], detail["equity"][-1]["equity"]
        assert run["equity"][-1]["equity"] == pytest.approx(end / start)
    sharpe = next(row for row in body["metrics"] if row["metric"] == "sharpe_ratio")
    assert sharpe["values"] == [run["metrics"]["sharpe_ratio"] for run in body["runs"]]


async def test_compare_needs_two_known_runs(client: httpx.AsyncClient) -> None:
    one = await client.get("/api/backtests/compare", params={"run_id": ["a"]})
    unknown = await client.get("/api/backtests/compare", params={"run_id": ["a", "b"]})

    assert_error_model(one, 422, "invalid_request")
    assert_error_model(unknown, 404, "not_found")


async def test_unknown_run_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/backtests/runs/backtest-nope")

    assert_error_model(response, 404, "not_found")


async def test_runs_need_the_api_key(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
        response = await anonymous.post("/api/backtests/runs", json=run_body())

    assert_error_model(response, 401, "unauthorized")


async def test_sweep_returns_one_row_per_valid_combination(client: httpx.AsyncClient) -> None:
    body = {key: value for key, value in run_body().items() if key not in ("params", "strategy")}
    body |= {"strategy": "sma_crossover", "grid": {"fast": [5, 10, 30], "slow": [20, 40]}}

    accepted = await client.post("/api/backtests/sweeps", json=body)

    assert accepted.status_code == 202, accepted.text
    detail = await finished(client, f"/api/backtests/sweeps/{accepted.json()['sweep_id']}")
    assert detail["status"] == "done", detail
    assert detail["parameters"] == ["fast", "slow"]
    assert [(row["fast"], row["slow"]) for row in detail["rows"]] == [
        (5, 20),
        (5, 40),
        (10, 20),
        (10, 40),
        (30, 40),
    ]
    assert detail["skipped"] == 1  # fast=30 >= slow=20


async def test_sweep_with_an_unknown_parameter_is_refused(client: httpx.AsyncClient) -> None:
    body = {**run_body(), "grid": {"nope": [1, 2]}}
    del body["params"]

    response = await client.post("/api/backtests/sweeps", json=body)

    assert_error_model(response, 422, "invalid_request")


def sweep_body(grid: dict[str, list[int]]) -> dict[str, Any]:
    body = {key: value for key, value in run_body().items() if key not in ("params", "strategy")}
    return body | {"strategy": "sma_crossover", "grid": grid}


async def test_a_sweep_of_ninety_thousand_combinations_is_refused_naming_the_cap(
    client: httpx.AsyncClient,
) -> None:
    grid = {"fast": list(range(1, 301)), "slow": list(range(301, 601))}

    response = await client.post("/api/backtests/sweeps", json=sweep_body(grid))

    error = assert_error_model(response, 422, "invalid_request")
    assert error["details"][0]["loc"] == ["body", "grid"]
    assert "90,000 combinations; at most 10,000" in error["details"][0]["msg"]


async def test_the_sweep_cap_is_a_setting(bars_store: Store) -> None:
    app = create_app(bars_store, api_key=KEY, jobs=JobsSettings(max_sweep_combinations=4))
    async with api_client(app) as client:
        response = await client.post(
            "/api/backtests/sweeps", json=sweep_body({"fast": [5, 10], "slow": [20, 40, 60]})
        )

    error = assert_error_model(response, 422, "invalid_request")
    assert "6 combinations; at most 4" in error["details"][0]["msg"]


async def until(client: httpx.AsyncClient, path: str, statuses: set[str]) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        answer: dict[str, Any] = (await client.get(path)).json()
        if answer["status"] in statuses:
            return answer
        assert asyncio.get_running_loop().time() < deadline, f"{path} still {answer['status']}"
        await asyncio.sleep(0.02)


async def test_jobs_are_cancelled_queued_or_running_and_a_finished_one_is_a_409(
    bars_store: Store,
) -> None:
    app = create_app(bars_store, api_key=KEY, jobs=JobsSettings(concurrency=1))
    big = {"fast": list(range(2, 42)), "slow": list(range(50, 90))}  # 1,600 backtests
    async with api_client(app) as client:
        running = (await client.post("/api/backtests/sweeps", json=sweep_body(big))).json()
        queued_sweep = (await client.post("/api/backtests/sweeps", json=sweep_body(big))).json()
        queued_run = (await client.post("/api/backtests/runs", json=run_body())).json()
        sweep_path = f"/api/backtests/sweeps/{running['sweep_id']}"
        await until(client, sweep_path, {"running"})

        cancel_queued = await client.delete(f"/api/backtests/sweeps/{queued_sweep['sweep_id']}")
        cancel_run = await client.delete(f"/api/backtests/runs/{queued_run['run_id']}")
        cancel_running = await client.delete(sweep_path)
        stopped = await until(client, sweep_path, {"cancelled", "done", "failed"})
        again = await client.delete(sweep_path)
        unknown = await client.delete("/api/backtests/sweeps/sweep-nope")
        run_after = (await client.get(f"/api/backtests/runs/{queued_run['run_id']}")).json()
        queued_after = (
            await client.get(f"/api/backtests/sweeps/{queued_sweep['sweep_id']}")
        ).json()

    assert (cancel_queued.status_code, cancel_run.status_code) == (202, 202), cancel_run.text
    assert cancel_running.status_code == 202
    assert stopped["status"] == "cancelled"
    assert stopped["progress"] < 1.0  # stopped before its 1,600 backtests were done
    assert queued_after["status"] == "cancelled"
    assert run_after["status"] == "cancelled"
    assert_error_model(again, 409, "conflict")
    assert_error_model(unknown, 404, "not_found")
