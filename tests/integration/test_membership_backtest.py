"""Point-in-time group members on a real DuckDB store: a joiner and a leaver over one run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.backtest.research.members import group_market
from tetra.backtest.run import run_backtest
from tetra.data.membership import COLUMNS, MEMBERSHIP
from tetra.data.ports import Query
from tetra.market import Adjustment
from tetra.strategy.library import BuyAndHold
from tetra.testing import bars_frame

FIRST, LAST = dt.date(2024, 1, 2), dt.date(2024, 1, 26)  # 19 business days
JOINS = dt.date(2024, 1, 10)  # NEWC's first day in (a Wednesday)
LAST_IN = dt.date(2024, 1, 12)  # OLDC's last day in (a Friday): out from Monday the 15th


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    """Bars of three coins over the whole window; OLDC leaves and NEWC joins during it."""
    with open_store(tmp_path / "tetra.duckdb") as opened:
        opened.upsert("market_data.ohlcv", bars_frame(("BTC", "OLDC", "NEWC"), "2024-01-02", 19))
        rows = [("crypto", "BTC", dt.date(2023, 1, 1), None, 1, "test", "test"),
                ("crypto", "OLDC", dt.date(2023, 1, 1), LAST_IN, 9, "test", "test"),
                ("crypto", "NEWC", JOINS, None, 10, "test", "test")]  # fmt: skip
        opened.upsert(MEMBERSHIP, pd.DataFrame(rows, columns=COLUMNS))
        yield opened


def _fills(store: SqlStore, path: str) -> pd.DataFrame:
    members = group_market(store, ["@CRYPTO"], FIRST, LAST, Adjustment.RAW)
    strategy = members.wrap(BuyAndHold(rebalance=1))  # targets a third of each, every bar
    result = run_backtest(strategy, members.market, path=path, cash=30_000.0)  # type: ignore[arg-type]
    return result.fills.assign(day=pd.to_datetime(result.fills["ts"]).dt.date)


def test_the_market_holds_every_member_of_the_window(store: SqlStore) -> None:
    members = group_market(store, ["@CRYPTO"], FIRST, LAST, Adjustment.RAW)

    assert sorted(members.market.symbols) == ["BTC", "NEWC", "OLDC"]
    assert members.notes == ()
    assert members.membership is not None
    assert members.membership.as_json()["spans"]["NEWC"] == [["2024-01-10", None]]


def test_without_a_history_the_configured_list_trades_all_along_and_the_run_says_so(
    store: SqlStore,
) -> None:
    store.delete(Query(MEMBERSHIP, where={"universe_group": "crypto"}))

    members = group_market(store, ["@CRYPTO"], FIRST, LAST, Adjustment.RAW)

    assert members.market.symbols == ("BTC",)  # the only configured coin with bars here
    assert members.membership is None
    assert "no membership history is recorded for @crypto" in members.notes[0]
    assert members.notes[1].startswith("left out, with no bars from 2024-01-02 to 2024-01-26: ")


@pytest.mark.parametrize("path", ["compiled", "callback"])
def test_a_joiner_trades_only_after_joining_and_a_leaver_is_closed_at_the_next_open(
    store: SqlStore, path: str
) -> None:
    fills = _fills(store, path)

    new, old = fills[fills["symbol"] == "NEWC"], fills[fills["symbol"] == "OLDC"]
    assert new["day"].min() == dt.date(2024, 1, 11)  # decided at the close of its first day in
    assert new["quantity"].iloc[0] > 0
    assert old["day"].max() == dt.date(2024, 1, 16)  # out on the 15th: sold at the next open
    assert old["quantity"].sum() == 0.0
    assert old["quantity"].iloc[-1] < 0
    assert (fills[fills["symbol"] == "BTC"]["day"] > dt.date(2024, 1, 16)).any()


def test_both_paths_fill_the_group_alike(store: SqlStore) -> None:
    compiled, callback = _fills(store, "compiled"), _fills(store, "callback")

    pd.testing.assert_frame_equal(compiled, callback)
