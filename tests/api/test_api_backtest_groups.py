"""``@group`` symbols in the API's backtests, sweeps and walk-forwards: point-in-time members.

A DuckDB store in tmp_path holds 19 daily bars of three coins and a recorded crypto
membership: BTC in all along, OLDC in until Friday 12 January 2024 (out from Monday the
15th), NEWC in from Wednesday the 10th. Buy and hold rebalanced every bar wants a third of
each, so without membership it would hold NEWC from the first open and OLDC to the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from async_api import KEY, api_client
from fastapi import FastAPI

from tetra.adapters.stores import open_store
from tetra.api.app import create_app
from tetra.backtest.research.members import group_market
from tetra.backtest.research.walk_forward import walk_forward
from tetra.data.membership import COLUMNS, MEMBERSHIP
from tetra.data.ports import Query, Store
from tetra.data.store_kind import StoreKind
from tetra.market import Adjustment
from tetra.strategy.library import BuyAndHold
from tetra.testing import bars_frame

FIRST, LAST = dt.date(2024, 1, 2), dt.date(2024, 1, 26)  # 19 business days
JOINS = dt.date(2024, 1, 10)  # NEWC's first day in
LAST_IN = dt.date(2024, 1, 12)  # OLDC's last day in (a Friday)

pytestmark = pytest.mark.anyio


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "api.duckdb"), StoreKind.LIVE)
    opened.upsert("market_data.ohlcv", bars_frame(("BTC", "OLDC", "NEWC"), "2024-01-02", 19))
    rows = [("crypto", "BTC", dt.date(2023, 1, 1), None, 1, "test", "test"),
            ("crypto", "OLDC", dt.date(2023, 1, 1), LAST_IN, 9, "test", "test"),
            ("crypto", "NEWC", JOINS, None, 10, "test", "test")]  # fmt: skip
    opened.upsert(MEMBERSHIP, pd.DataFrame(rows, columns=COLUMNS))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(store, api_key=KEY)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


def request(symbols: list[str], **changes: Any) -> dict[str, Any]:
    body = {"strategy": "buy_and_hold", "symbols": symbols, "start": FIRST.isoformat(),
            "end": LAST.isoformat(), "params": {"rebalance": 1}, "cash": 30_000.0}  # fmt: skip
    return {**body, **changes}


async def finished(client: httpx.AsyncClient, path: str, seconds: float = 60.0) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        answer: dict[str, Any] = (await client.get(path)).json()
        if answer["status"] in ("done", "failed", "cancelled"):
            assert answer["status"] == "done", answer
            return answer
        assert asyncio.get_running_loop().time() < deadline, f"{path} still {answer['status']}"
        await asyncio.sleep(0.05)


async def run(client: httpx.AsyncClient, symbols: list[str]) -> dict[str, Any]:
    accepted = await client.post("/api/backtests/runs", json=request(symbols))
    assert accepted.status_code == 202, accepted.text
    return await finished(client, f"/api/backtests/runs/{accepted.json()['run_id']}")


def trades(detail: dict[str, Any], symbol: str) -> pd.DataFrame:
    frame = pd.DataFrame([t for t in detail["trades"] if t["symbol"] == symbol])
    return frame.assign(entry=pd.to_datetime(frame["entry_ts"]).dt.date,
                        exit=pd.to_datetime(frame["exit_ts"]).dt.date)  # fmt: skip


async def test_a_group_run_enters_a_joiner_after_it_joins_and_closes_a_leaver(
    client: httpx.AsyncClient,
) -> None:
    detail = await run(client, ["@crypto"])

    new, old = trades(detail, "NEWC"), trades(detail, "OLDC")
    assert new["entry"].min() == dt.date(2024, 1, 11)  # decided at the close of its first day in
    assert old["exit_ts"].notna().all()  # nothing left open in the leaver
    assert old["exit"].max() == dt.date(2024, 1, 16)  # out on the 15th: sold at the next open
    assert (trades(detail, "BTC")["exit_ts"].isna()).any()  # BTC held to the end
    assert sorted(detail["params"]["symbols"]) == ["BTC", "NEWC", "OLDC"]
    spans = detail["params"]["membership"]["spans"]
    assert spans["OLDC"] == [["2023-01-01", "2024-01-12"]]
    assert spans["NEWC"] == [["2024-01-10", None]]
    assert detail["warnings"] == []


async def test_the_same_coins_named_outright_trade_all_along(client: httpx.AsyncClient) -> None:
    detail = await run(client, ["BTC", "OLDC", "NEWC"])

    assert trades(detail, "NEWC")["entry"].min() == dt.date(2024, 1, 3)
    assert trades(detail, "OLDC")["exit_ts"].isna().any()
    assert "membership" not in detail["params"]


async def test_without_a_history_the_configured_list_stands_in_and_the_run_warns(
    client: httpx.AsyncClient, store: Store
) -> None:
    store.delete(Query(MEMBERSHIP, where={"universe_group": "crypto"}))

    detail = await run(client, ["@CRYPTO"])

    assert detail["params"]["symbols"] == ["BTC"]  # the only configured coin with bars here
    assert "membership" not in detail["params"]
    assert "no membership history is recorded for @crypto" in detail["warnings"][0]


@pytest.mark.parametrize("path", ["runs", "sweeps", "walk-forwards"])
async def test_an_unknown_group_is_a_422_naming_it(client: httpx.AsyncClient, path: str) -> None:
    body = request(["BTC", "@nope"])
    if path != "runs":
        body = {**body, "grid": {"rebalance": [1]}}
        del body["params"]

    response = await client.post(f"/api/backtests/{path}", json=body)

    assert response.status_code == 422, response.text
    [problem] = response.json()["error"]["details"]
    assert problem["loc"] == ["body", "symbols", 1]
    assert "unknown group 'nope'" in problem["msg"]


async def test_a_group_sweep_follows_membership_like_a_group_run(
    client: httpx.AsyncClient,
) -> None:
    body = {**request(["@crypto"]), "grid": {"rebalance": [1]}}
    del body["params"]
    accepted = await client.post("/api/backtests/sweeps", json=body)
    assert accepted.status_code == 202, accepted.text

    sweep = await finished(client, f"/api/backtests/sweeps/{accepted.json()['sweep_id']}")

    member_run = await run(client, ["@crypto"])
    named_run = await run(client, ["BTC", "OLDC", "NEWC"])
    [row] = sweep["rows"]
    assert row["total_return"] == pytest.approx(member_run["metrics"]["total_return"], abs=1e-12)
    assert row["total_return"] != pytest.approx(named_run["metrics"]["total_return"], abs=1e-9)
    assert sweep["warnings"] == []


async def test_a_group_walk_forward_tests_each_fold_under_membership(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = {**request(["@crypto"]), "grid": {"rebalance": [1, 2]}, "train": 6, "test": 4}
    del body["params"]
    accepted = await client.post("/api/backtests/walk-forwards", json=body)
    assert accepted.status_code == 202, accepted.text

    detail = await finished(client, f"/api/backtests/walk-forwards/{accepted.json()['run_id']}")

    members = group_market(store, ["@crypto"], FIRST, LAST, Adjustment.RAW)
    kwargs = {"train": 6, "test": 4, "cash": 30_000.0, "workers": 1}
    direct = walk_forward(BuyAndHold, members.market, {"rebalance": [1, 2]},
                          membership=members.membership, **kwargs)  # type: ignore[arg-type]  # fmt: skip
    ungated = walk_forward(BuyAndHold, members.market, {"rebalance": [1, 2]}, **kwargs)  # type: ignore[arg-type]
    equity = [point["equity"] for point in detail["equity"]]
    assert equity == pytest.approx(direct.equity.to_list(), rel=1e-12)
    assert equity != pytest.approx(ungated.equity.to_list(), rel=1e-9)
    assert detail["params"]["membership"]["spans"]["NEWC"] == [["2024-01-10", None]]
    assert detail["params"]["warnings"] == []
