"""The trading area of the API over the paper broker: orders, denials, kill switch, status."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.data.ports import Query, Store

SYMBOLS = ("SPY", "QQQ", "TLT")
pytestmark = pytest.mark.anyio


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    with seeded_store(tmp_path, SYMBOLS, 60) as store:
        yield store


@pytest.fixture
async def client(bars_store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(bars_store, api_key=KEY)
    async with api_client(app) as client:
        yield client


def last_close(store: Store, symbol: str) -> Decimal:
    frame = store.read(Query("market_data.ohlcv", where={"symbol": symbol}))
    return Decimal(repr(float(frame.sort_values("ts")["close"].iloc[-1])))


async def place(client: httpx.AsyncClient, **body: object) -> dict[str, object]:
    response = await client.post("/api/trading/orders", json={"side": "buy", **body})
    assert response.status_code == 200, response.text
    placed: dict[str, object] = response.json()
    return placed


async def test_a_market_order_fills_at_the_latest_close(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    order = await place(client, symbol="SPY", quantity="10")
    assert order["status"] == "filled"
    assert Decimal(str(order["average_fill_price"])) == last_close(bars_store, "SPY").quantize(
        Decimal("1e-6")
    )
    status = (await client.get("/api/trading/status")).json()
    assert [(p["symbol"], p["quantity"]) for p in status["positions"]] == [("SPY", "10")]
    assert status["health"] == [{"broker": "paper", "healthy": True, "reason": ""}]
    assert len(status["fills"]) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"symbol": "NOPE", "quantity": "1"}, "risk: unknown_symbol"),
        ({"symbol": "SPY", "quantity": "0"}, "risk: quantity_not_positive"),
        ({"symbol": "SPY", "quantity": "-3"}, "risk: quantity_not_positive"),
        ({"symbol": "SPY", "quantity": "1", "order_type": "limit"}, "risk: price_missing"),
    ],
)
async def test_bad_orders_are_stored_rejected_with_their_reason(
    client: httpx.AsyncClient, body: dict[str, object], reason: str
) -> None:
    order = await place(client, **body)
    assert order["status"] == "rejected"
    assert str(order["reason"]).startswith(reason)
    listed = (await client.get("/api/trading/orders")).json()
    assert [o["client_order_id"] for o in listed] == [order["client_order_id"]]


@pytest.mark.parametrize("quantity", ["ten", "NaN", "Infinity"])
async def test_a_quantity_that_is_no_number_is_a_422(
    client: httpx.AsyncClient, quantity: str
) -> None:
    response = await client.post(
        "/api/trading/orders", json={"symbol": "SPY", "side": "buy", "quantity": quantity}
    )
    assert response.status_code == 422


async def test_halt_blocks_new_risk_flatten_still_exits(client: httpx.AsyncClient) -> None:
    await place(client, symbol="QQQ", quantity="5")
    halted = await client.post("/api/trading/halt", json={"scope": "*", "reason": "drill"})
    assert halted.status_code == 200
    refused = await place(client, symbol="TLT", quantity="1")
    assert "trading_halted" in str(refused["reason"])
    flattened = await client.post("/api/trading/flatten", json={"book": "core", "reason": "drill"})
    assert [(o["symbol"], o["side"], o["status"]) for o in flattened.json()] == [
        ("QQQ", "sell", "filled")
    ]
    assert (await client.get("/api/trading/status")).json()["halted"] == ["*"]
    await client.post("/api/trading/resume", json={"scope": "*", "reason": "over"})
    assert (await client.get("/api/trading/status")).json()["halted"] == []
    reconciled = (await client.post("/api/trading/reconcile")).json()
    assert reconciled["clean"] is True


async def test_cancelling_an_unknown_order_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/trading/orders/nope/cancel")
    assert response.status_code == 404


async def test_a_notional_order_buys_what_the_amount_pays_for(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    order = await place(client, symbol="SPY", notional="1000")
    assert (order["status"], order["notional"]) == ("filled", "1000")
    close = last_close(bars_store, "SPY").quantize(Decimal("1e-6"))
    assert Decimal(str(order["quantity"])) == (Decimal(1000) / close).quantize(
        Decimal("1e-9"), "ROUND_DOWN"
    )
    both = await client.post(
        "/api/trading/orders",
        json={"side": "buy", "symbol": "SPY", "quantity": "1", "notional": "5"},
    )
    assert both.status_code == 422
    assert "either quantity or notional" in both.text


async def test_a_working_order_is_replaced_and_a_bad_replace_is_a_422(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    below = (last_close(bars_store, "SPY") * Decimal("0.95")).quantize(Decimal("0.01"))
    order = await place(
        client, symbol="SPY", quantity="5", order_type="limit", time_in_force="gtc",
        limit_price=str(below),
    )  # fmt: skip
    assert order["status"] == "accepted"
    path = f"/api/trading/orders/{order['client_order_id']}/replace"
    response = await client.post(path, json={"quantity": "7"})
    assert response.status_code == 200, response.text
    replacement = response.json()
    assert (replacement["status"], replacement["quantity"], replacement["replaces"]) == (
        "accepted", "7", order["client_order_id"],
    )  # fmt: skip
    again = await client.post(path, json={"quantity": "8"})
    assert again.status_code == 422
    assert "not working" in again.text
    empty = await client.post(
        f"/api/trading/orders/{replacement['client_order_id']}/replace", json={}
    )
    assert empty.status_code == 422
    missing = await client.post("/api/trading/orders/nope/replace", json={"quantity": "1"})
    assert missing.status_code == 404


def recommend_book(store: Store, mode: str = "recommend") -> str:
    import datetime as dt

    from tetra.core.clock import FixedClock
    from tetra.cycle import CycleContext, run_cycle
    from tetra.data.universe import load_universe
    from tetra.portfolio import StoredBooks, parse_book
    from tetra.strategy.library import STRATEGIES

    clock = FixedClock(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    name = f"{mode}_book"
    shelf = StoredBooks(store)
    shelf.save_book(parse_book(name, {
        "capital": 100_000, "symbols": ["SPY", "TLT"], "benchmark": "SPY", "mode": mode,
        "strategies": [{"strategy": "buy_and_hold", "weight": 1}],
    }), at=clock.now())  # fmt: skip
    run_cycle(CycleContext(store, shelf, STRATEGIES, clock, universe=load_universe()), name)
    return name


async def test_a_recommend_books_session_waits_for_approval_and_is_sent_once(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    book = recommend_book(bars_store)
    pending = (await client.get("/api/trading/approvals")).json()
    assert sorted(p["symbol"] for p in pending) == ["SPY", "TLT"]
    assert {p["book"] for p in pending} == {book}
    session = pending[0]["session"]
    body = {"book": book, "session": session, "symbols": ["spy"]}
    response = await client.post("/api/trading/approvals", json=body)
    assert response.status_code == 200, response.text
    [order] = response.json()
    assert (order["symbol"], order["status"]) == ("SPY", "filled")
    spy = next(p for p in pending if p["symbol"] == "SPY")
    assert order["client_order_id"] == spy["client_order_id"]
    again = await client.post("/api/trading/approvals", json=body)
    assert [o["client_order_id"] for o in again.json()] == [order["client_order_id"]]
    left = (await client.get("/api/trading/approvals")).json()
    assert [p["symbol"] for p in left] == ["TLT"]
    orders = (await client.get("/api/trading/orders", params={"book": book})).json()
    assert len(orders) == 1


async def test_approving_what_cannot_be_approved_is_a_422_or_404(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    book = recommend_book(bars_store, "paper")
    paper = await client.post(
        "/api/trading/approvals", json={"book": book, "session": "2030-01-01"}
    )
    assert paper.status_code == 422
    assert "only recommend books" in paper.text
    recommend = recommend_book(bars_store)
    empty = await client.post(
        "/api/trading/approvals", json={"book": recommend, "session": "1999-01-04"}
    )
    assert empty.status_code == 422
    assert "no approvable recommendations" in empty.text
    missing = await client.post(
        "/api/trading/approvals", json={"book": "nope", "session": "2030-01-01"}
    )
    assert missing.status_code == 404


async def test_an_equity_order_while_the_market_is_closed_shows_the_next_open(
    bars_store: Store,
) -> None:
    import datetime as dt

    from tetra.adapters.brokers.factory import order_manager
    from tetra.core.clock import FixedClock
    from tetra.execution import MarketHours

    sunday = FixedClock(dt.datetime(2026, 12, 6, 16, 0, tzinfo=dt.UTC))
    manager = order_manager(bars_store, "paper", [], sunday)
    manager.hours = MarketHours(crypto={"BTC"})  # as the factory gives Alpaca and IB
    app: FastAPI = create_app(bars_store, api_key=KEY)
    app.state.order_manager = manager
    async with api_client(app) as client:
        refused = await place(client, symbol="SPY", quantity="1")
        queued = await place(client, symbol="SPY", quantity="1", time_in_force="opg")
    assert refused["status"] == "rejected"
    assert str(refused["reason"]).startswith("market closed: XNYS is closed at 2026-12-06 16:00")
    assert "opens 2026-12-07 14:30 UTC" in str(refused["reason"])
    assert queued["status"] != "rejected"
