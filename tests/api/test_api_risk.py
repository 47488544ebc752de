"""The risk area of the API: reports of holdings and runs, the policy, kill switches, bad input.

A DuckDB store in tmp_path holds 400 days of seeded bars for five universe symbols.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.backtest.books import final_book
from tetra.backtest.run import run_backtest
from tetra.data.ports import Store
from tetra.market import load_market
from tetra.risk.sizing_policy import parse_sizing
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.simulation.scenarios import shipped_scenarios
from tetra.strategy.library import STRATEGIES

SYMBOLS = ("SPY", "QQQ", "TLT", "GLD", "XLE")
HOLDINGS = {"SPY": 0.4, "QQQ": 0.3, "TLT": -0.1}

pytestmark = pytest.mark.anyio


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    with seeded_store(tmp_path, SYMBOLS, 400) as store:
        yield store


@pytest.fixture
def app(bars_store: Store) -> FastAPI:
    return create_app(bars_store, api_key=KEY)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


async def test_report_of_holdings_has_every_part_consistent(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/risk/report", json={"holdings": HOLDINGS})

    assert response.status_code == 200, response.text
    report = response.json()
    assert [v["method"] for v in report["var"]] == [
        "historical",
        "parametric_normal",
        "cornish_fisher",
        "monte_carlo",
    ]
    assert [v["label"] for v in report["var"]] == [
        "historical",
        "parametric (normal)",
        "Cornish-Fisher",
        "Monte Carlo (bootstrap, 1,000 paths, seed 0)",
    ]
    assert report["var"][0]["var_amount"] == pytest.approx(report["var"][0]["var"] * 1e6)
    weights = {h["symbol"]: h["weight"] for h in report["holdings"]}
    assert weights == pytest.approx(HOLDINGS)
    components = sum(h["component"] for h in report["holdings"])
    assert components == pytest.approx(report["volatility"]["book"])
    matrix = np.array(report["correlation"]["matrix"], dtype=float)
    assert sorted(report["correlation"]["symbols"]) == sorted(HOLDINGS)
    np.testing.assert_allclose(matrix, matrix.T)
    assert {(e["kind"], e["name"]) for e in report["exposures"]} >= {("group", "largest_etfs")}
    usage = {(row["kind"], row["subject"]): row for row in report["limits"]}
    assert usage[("position_weight", "SPY")]["breached"]  # 40 % over the default 25 %
    assert report["state"] in ("reducing", "halted")


async def test_parts_equal_the_report(client: httpx.AsyncClient) -> None:
    body = {"holdings": HOLDINGS, "confidence": 0.99, "horizon": 5}
    report = (await client.post("/api/risk/report", json=body)).json()

    for path, key in (("exposures", "exposures"), ("var", "var"),
                      ("correlation", "correlation"), ("limits", "limits")):  # fmt: skip
        part = await client.post(f"/api/risk/{path}", json=body)
        assert part.status_code == 200, part.text
        assert part.json() == report[key]
    assert report["var"][0]["horizon"] == 5


async def test_monte_carlo_var_repeats_for_a_seed_and_says_what_drew_it(
    client: httpx.AsyncClient,
) -> None:
    def body(seed: int) -> dict[str, Any]:
        drawn = {"model": "gbm", "paths": 400, "seed": seed}
        return {"holdings": HOLDINGS, "horizon": 5, "monte_carlo": drawn, "scenarios": False}

    first, again, other = [
        (await client.post("/api/risk/var", json=body(seed))).json()[-1] for seed in (1, 1, 2)
    ]
    plain = await client.post("/api/risk/var", json={**body(1), "monte_carlo": None})

    assert first == again
    assert other["var"] != first["var"]
    assert (first["method"], first["model"], first["seed"]) == ("monte_carlo", "gbm", 1)
    assert (first["observations"], first["horizon"]) == (400, 5)
    assert first["label"] == "Monte Carlo (gbm, 400 paths, seed 1)"
    assert 0 < first["var"] <= first["cvar"] < 1
    assert [v["method"] for v in plain.json()] == [
        "historical",
        "parametric_normal",
        "cornish_fisher",
    ]


async def test_scenario_losses_are_hand_checkable_and_every_scenario_has_a_row(
    bars_store: Store, tmp_path: Path
) -> None:
    mine = tmp_path / "scenarios"
    mine.mkdir()
    (mine / "spy_down.toml").write_text(
        'name = "spy_down"\ntitle = "SPY -20 %"\nkind = "hypothetical"\n[shock]\nSPY = -0.2\n'
    )
    app = create_app(bars_store, api_key=KEY, scenario_dirs=[mine])
    async with api_client(app) as client:
        body = {"holdings": {"SPY": 0.5, "TLT": 0.2}, "monte_carlo": None}
        rows = (await client.post("/api/risk/scenarios", json=body)).json()
        report = (await client.post("/api/risk/report", json=body)).json()

    assert report["scenarios"] == rows
    assert len(rows) == len(shipped_scenarios()) + 1
    by_name = {row["scenario"]: row for row in rows}
    # SPY's beta to itself is 1: half the book in SPY loses half of 20 % of 1,000,000;
    # TLT's beta to SPY comes from the data, so only SPY's line is checked by hand
    spy_down = by_name["spy_down"]
    assert (spy_down["method"], spy_down["why"]) == ("factor", "hypothetical scenario")
    spy = next(h for h in spy_down["holdings"] if h["symbol"] == "SPY")
    assert spy["scenario_return"] == pytest.approx(-0.2, abs=1e-9)
    assert spy["pnl"] == pytest.approx(-100_000.0, abs=1e-3)
    assert spy_down["pnl"] == pytest.approx(sum(h["pnl"] for h in spy_down["holdings"]))
    assert spy_down["pnl_pct"] == pytest.approx(spy_down["pnl"] / 1e6)
    applied = [row["pnl"] for row in rows if row["method"] != "unavailable"]
    assert applied == sorted(applied)
    # the shipped scenarios also move BTC, which this store does not hold
    assert by_name["gfc"]["method"] == "unavailable"
    assert "BTC" in by_name["gfc"]["why"]
    assert by_name["gfc"]["pnl"] is None


SIZED = {"method": "fixed_fractional", "fraction": 0.2}


@pytest.mark.parametrize("sizing", [None, SIZED], ids=["as-decided", "sized"])
async def test_report_of_a_run_is_its_final_book(
    client: httpx.AsyncClient, bars_store: Store, sizing: dict[str, Any] | None
) -> None:
    body = {"strategy": "momentum", "symbols": ["SPY", "QQQ", "TLT", "GLD"],
            "start": "2023-01-02", "end": "2024-06-28",
            "params": {"lookback": 40, "top_n": 2, "rebalance": "month_end"}, "cash": 100_000.0,
            "commission_bps": 5.0, "slippage_bps": 2.0, "sizing": sizing}  # fmt: skip
    accepted = await client.post("/api/backtests/runs", json=body)
    run_id = accepted.json()["run_id"]
    for _ in range(600):
        if (await client.get(f"/api/backtests/runs/{run_id}")).json()["status"] == "done":
            break
        await asyncio.sleep(0.05)

    response = await client.post("/api/risk/report", json={"run_id": run_id})

    symbols = ["SPY", "QQQ", "TLT", "GLD"]
    market = load_market(bars_store, symbols, dt.date(2023, 1, 2), dt.date(2024, 6, 28))
    costs = Costs(Commission(basis_points=5.0), Slippage(basis_points=2.0))
    strategy = STRATEGIES["momentum"](lookback=40, top_n=2, rebalance="month_end")
    policy = None if sizing is None else parse_sizing(sizing)
    book = final_book(run_backtest(strategy, market, cash=100_000.0, costs=costs, sizing=policy))
    assert response.status_code == 200, response.text
    report = response.json()
    expected = {s: w for s, w in zip(book.symbols, book.weights, strict=True) if w}
    assert len(expected) == 2
    assert {h["symbol"]: h["weight"] for h in report["holdings"]} == pytest.approx(expected)
    assert report["equity"] == pytest.approx(book.equity)
    assert report["book"] == f"final book of run {run_id}"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "either holdings or run_id"),
        ({"holdings": HOLDINGS, "run_id": "x"}, "either holdings or run_id"),
        ({"holdings": {}}, "1 to 200"),
        ({"holdings": {"SPY": 50}}, "between -10 and 10"),
        ({"holdings": HOLDINGS, "confidence": 1.5}, "less than or equal"),
        ({"holdings": HOLDINGS, "horizon": 0}, "greater than or equal"),
        ({"holdings": HOLDINGS, "policy": {"max_drawdown": -1}}, "max_drawdown"),
        ({"holdings": HOLDINGS, "policy": {"group_caps": {"memes": 0.1}}}, "unknown group"),
        ({"holdings": HOLDINGS, "surprise": 1}, "Extra inputs"),
        ({"holdings": HOLDINGS, "monte_carlo": {"paths": 5}}, "greater than or equal to 100"),
        ({"holdings": HOLDINGS, "monte_carlo": {"model": "crystal_ball"}}, "bootstrap"),
        ({"holdings": HOLDINGS, "monte_carlo": {"seed": -1}}, "greater than or equal to 0"),
        ({"run_id": "no-such-run"}, "no stored run"),
    ],
)
async def test_bad_requests_get_a_422_naming_the_problem(
    client: httpx.AsyncClient, body: dict[str, Any], words: str
) -> None:
    error = assert_error(await client.post("/api/risk/report", json=body), 422, "invalid_request")

    assert words in str(error["details"])


async def test_unknown_symbols_and_nan_are_refused_not_crashed(client: httpx.AsyncClient) -> None:
    unknown = await client.post("/api/risk/report", json={"holdings": {"ZZZZ": 0.5}})
    nan = await client.post(
        "/api/risk/report", content=b'{"holdings": {"SPY": NaN}}',
        headers={"Content-Type": "application/json"},
    )  # fmt: skip

    assert "ZZZZ" in assert_error(unknown, 422, "invalid_data")["message"]
    assert nan.status_code == 422


async def test_policy_default_and_validation(client: httpx.AsyncClient) -> None:
    default = (await client.get("/api/risk/policy")).json()
    good = await client.post("/api/risk/policy", json={"max_drawdown": 0.1, "persistence": 3})
    bad = await client.post(
        "/api/risk/policy", json={"max_gross_leverage": 1.0, "max_net_leverage": 2.0}
    )

    assert default["policy"]["max_drawdown"] == 0.2
    assert "drawdown" in default["limits"]
    assert good.json()["limits"] == ["drawdown"]
    error = assert_error(bad, 422, "invalid_request")
    assert error["details"][0]["loc"] == ["body", "max_net_leverage"]


async def test_kill_switch_round_trip_and_state(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/risk/kill-switches")).json() == []

    engaged = await client.post(
        "/api/risk/kill-switches", json={"scope": "core", "engaged": True, "reason": "review"}
    )
    state = (await client.get("/api/risk/state", params={"book": "core"})).json()
    other = (await client.get("/api/risk/state", params={"book": "other"})).json()
    released = await client.post(
        "/api/risk/kill-switches", json={"scope": "core", "engaged": False, "reason": "ok"}
    )

    assert engaged.status_code == 200, engaged.text
    assert engaged.json()["engaged"] is True
    assert state == {"book": "core", "state": "halted", "halted_by": "core", "reason": "review"}
    assert other["state"] == "active"
    assert released.json()["engaged"] is False
    assert (await client.get("/api/risk/state", params={"book": "core"})).json()[
        "state"
    ] == "active"


async def test_kill_switch_survives_a_new_app_over_the_same_store(bars_store: Store) -> None:
    first = create_app(bars_store, api_key=KEY)
    second = create_app(bars_store, api_key=KEY)
    headers = {"X-API-Key": KEY}
    for app, call in ((first, "engage"), (second, "read")):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=headers
        ) as c:
            if call == "engage":
                body = {"scope": "*", "engaged": True, "reason": "restart test"}
                assert (await c.post("/api/risk/kill-switches", json=body)).status_code == 200
            else:
                state = (await c.get("/api/risk/state", params={"book": "any"})).json()
                assert state["halted_by"] == "*"


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "core", "engaged": True, "reason": ""},
        {"scope": "two words", "engaged": True, "reason": "x"},
        {"scope": "core", "reason": "x"},
        {"scope": "core", "engaged": "maybe", "reason": "x"},
    ],
)
async def test_kill_switch_bad_input_is_422(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    assert_error(await client.post("/api/risk/kill-switches", json=body), 422, "invalid_request")


async def test_kill_switch_needs_the_api_key(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
        body = {"scope": "*", "engaged": True, "reason": "no key"}
        response = await anonymous.post("/api/risk/kill-switches", json=body)

    assert_error(response, 401, "unauthorized")


async def test_backtest_with_a_bad_risk_policy_is_refused_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    body = {"strategy": "sma_crossover", "symbols": ["SPY"], "start": "2023-01-02",
            "end": "2023-12-29", "params": {"fast": 5, "slow": 20}}  # fmt: skip

    invalid = await client.post(
        "/api/backtests/runs", json={**body, "risk_policy": {"max_drawdown": 2}}
    )

    error = assert_error(invalid, 422, "invalid_request")
    assert error["details"][0]["loc"][:3] == ["body", "risk_policy", "max_drawdown"]
