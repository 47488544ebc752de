"""`/api/books`: books with their versions, and holdings a recommend book's user confirms."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from async_api import KEY, api_client, seeded_store

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "cycle"))

from cycle_fixtures import crossover_book, market_rows, sessions

from tetra.api.app import create_app
from tetra.core.clock import FixedClock
from tetra.cycle import CycleContext, run_cycle
from tetra.portfolio import StoredBooks
from tetra.strategy.library import STRATEGIES
from tetra.testing import InMemoryStore

pytestmark = pytest.mark.anyio
SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16]
DAYS = sessions(11)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ctx() -> CycleContext:
    store = InMemoryStore()
    store.migrate()
    store.upsert("market_data.ohlcv", market_rows({"SPY": SPY, "QQQ": QQQ}))
    clock = FixedClock(dt.datetime(2024, 1, 15, 12, tzinfo=dt.UTC))
    books = StoredBooks(store)
    books.save_book(crossover_book(), at=clock.now())
    books.save_book(crossover_book(capital=20_000), at=clock.now())  # version 2
    return CycleContext(store, books, STRATEGIES, clock, warmup_days=60)


def _app(ctx: CycleContext):  # type: ignore[no-untyped-def]
    app = create_app(ctx.store, api_key=KEY)
    app.state.clock = ctx.clock
    return app


async def test_books_and_their_versions_newest_first_with_what_changed(ctx: CycleContext) -> None:
    async with api_client(_app(ctx)) as client:
        books = (await client.get("/api/books")).json()
        versions = (await client.get("/api/books/swing/versions")).json()
        unknown = await client.get("/api/books/nope/versions")

    assert [(b["name"], b["version"], b["mode"], b["capital"]) for b in books] == [
        ("swing", 2, "recommend", "20000")
    ]
    assert [(v["version"], v["changed"]) for v in versions] == [(2, ["capital"]), (1, [])]
    assert versions[1]["definition"]["capital"] == "10000"
    assert unknown.status_code == 404


async def test_confirmed_holdings_are_where_the_next_cycle_starts(ctx: CycleContext) -> None:
    body = {
        "cash": "15000.50",
        "as_of": DAYS[-2].isoformat(),
        "positions": [
            {"symbol": "spy", "quantity": "100", "average_cost": "19.5"},
            {"symbol": "QQQ", "quantity": 0, "average_cost": 0},
        ],
    }
    async with api_client(_app(ctx)) as client:
        none_yet = (await client.get("/api/books/swing/holdings")).json()
        made = await client.post("/api/books/swing/holdings", json=body)
        read = (await client.get("/api/books/swing/holdings")).json()

    assert none_yet is None
    assert made.status_code == 201
    assert Decimal(read.pop("cash")) == Decimal(made.json().pop("cash")) == Decimal("15000.50")
    assert read == {k: v for k, v in made.json().items() if k != "cash"}
    assert read["positions"] == [
        {"symbol": "SPY", "quantity": "100", "cost": "1950.0", "average_cost": "19.5"}
    ]
    result = run_cycle(ctx, "swing", DAYS[-1])
    assert result.summary["positions"]["SPY"] == {"quantity": "100", "cost": "1950.0"}
    assert result.valuation.cash == Decimal("15000.50")
    assert result.valuation.equity == Decimal("15000.50") + 100 * 21


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"cash": "NaN"}, "cash"),
        (
            {"cash": "100", "positions": [{"symbol": "TSLA", "quantity": 1, "average_cost": 1}]},
            "TSLA is not a symbol of book 'swing'",
        ),
        (
            {
                "cash": "100",
                "positions": [
                    {"symbol": "SPY", "quantity": 1, "average_cost": 1},
                    {"symbol": "SPY", "quantity": 2, "average_cost": 1},
                ],
            },
            "SPY is listed twice",
        ),
        (
            {"cash": "100", "positions": [{"symbol": "SPY", "quantity": 1, "average_cost": -1}]},
            "average_cost",
        ),
        ({"cash": "0.0000000000001"}, "12 decimal places"),
        (
            {
                "cash": "1",
                "positions": [
                    {"symbol": "SPY", "quantity": "0.000001", "average_cost": "0.0000001"}
                ],
            },
            "more than 12 decimal places",
        ),
        ({"cash": "1e30"}, "cash"),
        ({"cash": "100", "broker": "x"}, "broker"),
    ],
)
async def test_bad_holdings_are_a_422_naming_the_problem(
    ctx: CycleContext, body: dict[str, object], needle: str
) -> None:
    async with api_client(_app(ctx)) as client:
        response = await client.post("/api/books/swing/holdings", json=body)
        stored = (await client.get("/api/books/swing/holdings")).json()

    assert response.status_code == 422
    assert needle in response.text
    assert stored is None


async def test_a_paper_books_holdings_come_from_its_fills_not_a_confirmation(
    ctx: CycleContext,
) -> None:
    ctx.books.save_book(crossover_book("paper"), at=ctx.clock.now())
    async with api_client(_app(ctx)) as client:
        response = await client.post("/api/books/swing/holdings", json={"cash": "1"})
        unknown = await client.post("/api/books/nope/holdings", json={"cash": "1"})

    assert response.status_code == 422
    assert "is a paper book" in response.text
    assert unknown.status_code == 404


async def test_a_book_approved_with_a_policy_and_sizing_lists_both(tmp_path: Path) -> None:
    (tmp_path / "tight.toml").write_text("max_position_weight = 0.05\npersistence = 1\n")
    idea = "golden cross on SPY, under the tight risk policy, sized with a 2% volatility target"
    with seeded_store(tmp_path, ("SPY",), periods=700) as store:
        app = create_app(store, api_key=KEY, risk_policy_dir=tmp_path)
        async with api_client(app) as client:
            turn = (await client.post("/api/strategy-chat/turns", json={"idea": idea})).json()
            version = turn["version"]
            approval = await client.post(
                "/api/strategy-chat/approvals",
                json={
                    "conversation_id": turn["conversation_id"],
                    "version": version["number"],
                    "approved_by": "Ada Lovelace",
                    "spec_hash": version["spec_hash"],
                    "results_digest": version["results_digest"],
                    "action": "add_to_book",
                    "book": "ideas",
                },
            )
            (book,) = (await client.get("/api/books")).json()

    assert approval.json()["book_version"] == 1, approval.text
    assert book["risk_policy"] is None
    assert book["risk_policy_table"] == {
        "policy": {"max_position_weight": 0.05, "persistence": 1},
        "limits": ["position_weight"],
        "problem": None,
    }
    sizing = book["sizing"]
    assert (sizing["method"], sizing["settings"]["target"]) == ("volatility_target", 0.02)
    assert sizing["summary"].startswith("volatility_target(target=0.02")
    assert sizing["problem"] is None


async def test_a_named_policy_and_a_bad_sizing_table_are_listed_as_they_are(
    ctx: CycleContext,
) -> None:
    sized = dataclasses.replace(
        crossover_book(), risk_policy="default", sizing={"method": "fixed_risk"}
    )
    StoredBooks(ctx.store).save_book(sized, at=ctx.clock.now())
    async with api_client(_app(ctx)) as client:
        (book,) = (await client.get("/api/books")).json()

    assert (book["risk_policy"], book["risk_policy_table"]) == ("default", None)
    assert book["sizing"]["method"] == "fixed_risk"
    assert book["sizing"]["summary"] is None
    assert "risk" in book["sizing"]["problem"]  # fixed_risk needs its risk setting
