"""The daily cycle of a crypto book on a real DuckDB store, with a coin leaving the top ten.

BTC (in universe.toml) is in all along; OLDC (a ranking joiner universe.toml does not list)
is in until Sunday 14 January 2024 and out from Monday the 15th, day D. The book buys and
holds both with equal weights; on D + 1 it must not enter OLDC, and must close a held
position in it, saying it left the group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.core.clock import FixedClock
from tetra.cycle import CycleContext, Recommendation, read_recommendations, run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.data.membership import COLUMNS, MEMBERSHIP, known_on
from tetra.data.ports import Store
from tetra.data.universe import load_universe
from tetra.data.universe_on import universe_on
from tetra.portfolio import Holdings, Position, StoredBooks, parse_book
from tetra.reports.daily_render import render_text
from tetra.strategy.library import STRATEGIES
from tetra.testing import bars_frame

LEAVES = dt.date(2024, 1, 15)  # D: OLDC's first day out (a Monday)
NEXT = dt.date(2024, 1, 16)  # D + 1
BEFORE = dt.date(2024, 1, 12)  # a session while OLDC is still in
HELD = Decimal(5)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "tetra.duckdb") as opened:
        opened.upsert("market_data.ohlcv", bars_frame(("BTC", "OLDC"), "2024-01-02", 19))
        rows = [("crypto", "BTC", dt.date(2023, 1, 1), None, 1, "test", "test"),
                ("crypto", "OLDC", dt.date(2023, 1, 1), LEAVES - dt.timedelta(days=1), 9,
                 "test", "test")]  # fmt: skip
        opened.upsert(MEMBERSHIP, pd.DataFrame(rows, columns=COLUMNS))
        yield opened


def context(store: Store, *, holding: bool) -> CycleContext:
    """A `recommend` book buying and holding BTC and OLDC; optionally holding OLDC already."""
    clock = FixedClock(dt.datetime(2024, 1, 27, 22, tzinfo=dt.UTC))
    books = StoredBooks(store)
    table = {"capital": 10_000, "symbols": ["BTC", "OLDC"], "benchmark": "BTC",
             "strategies": [{"strategy": "buy_and_hold", "weight": 1}]}  # fmt: skip
    books.save_book(parse_book("coins", table), at=clock.now())
    if holding:
        position = Position("OLDC", HELD, HELD * Decimal(100))
        holdings = Holdings(dt.date(2024, 1, 2), Decimal(9_500), {"OLDC": position})
        books.confirm_holdings("coins", holdings, by="test", at=clock.now())
    universe = universe_on(store, load_universe(), NEXT)  # knows OLDC, a joiner since left
    return CycleContext(store, books, STRATEGIES, clock, universe=universe, warmup_days=30)


def by_symbol(recommendations: list[Recommendation]) -> dict[str, Recommendation]:
    return {r.symbol: r for r in recommendations}


def test_the_day_after_a_coin_leaves_the_book_does_not_enter_it(store: Store) -> None:
    ctx = context(store, holding=False)

    before = by_symbol(run_cycle(ctx, "coins", BEFORE).recommendations)
    after = by_symbol(run_cycle(ctx, "coins", NEXT).recommendations)

    assert before["OLDC"].quantity > 0  # a member: bought like BTC
    assert "OLDC" not in after  # out: no entry, and nothing held to close
    assert after["BTC"].quantity > 0


def test_the_day_after_a_coin_leaves_a_held_position_is_closed_saying_why(store: Store) -> None:
    ctx = context(store, holding=True)

    before = by_symbol(run_cycle(ctx, "coins", BEFORE).recommendations)
    result = run_cycle(ctx, "coins", NEXT)

    assert "OLDC" not in before or before["OLDC"].target > 0  # in: kept, not closed
    sell = by_symbol(result.recommendations)["OLDC"]
    assert (sell.quantity, sell.held, sell.target) == (-HELD, HELD, Decimal(0))
    reason = sell.reasoning[0]
    assert reason["strategy"] == "membership"
    assert reason["rule"] == "left @crypto (last day in: 2024-01-14): no entry, close any position"
    stored = by_symbol(read_recommendations(store, "coins", NEXT))["OLDC"]
    assert stored.reasoning[0] == reason  # the reason is kept with the recommendation
    text = render_text(build_report(ctx, result, "sod")).splitlines()
    line = text.index(f"membership: {reason['rule']} [entries while a member of @crypto]")
    assert "track record" not in text[line + 1]  # a group's reason is no strategy's record


def test_the_cycle_reads_membership_as_it_stood_known_on_the_session(store: Store) -> None:
    joins = pd.DataFrame([("crypto", "NEWC", NEXT, None, 10, "test", "test")], columns=COLUMNS)
    store.upsert(MEMBERSHIP, joins)

    last_day_in = known_on(store, ["OLDC", "NEWC"], LEAVES - dt.timedelta(days=1))
    first_day_out = known_on(store, ["OLDC", "NEWC"], LEAVES)

    assert list(last_day_in["symbol"]) == ["OLDC"]  # NEWC's row is not recorded yet
    assert last_day_in["valid_to"].isna().all()  # its leaving is not known before D
    assert pd.Timestamp(first_day_out["valid_to"].iloc[0]).date() == LEAVES - dt.timedelta(days=1)
