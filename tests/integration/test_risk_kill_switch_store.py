"""A kill switch engaged before a restart still halts the book after it (DuckDB, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tetra.adapters.stores import open_store
from tetra.core.clock import FixedClock
from tetra.data.ports import Query, Store
from tetra.data.store_kind import StoreKind
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.orders import DenyCode, OrderIntent, Side
from tetra.risk.policy import RiskPolicy
from tetra.risk.pretrade import PreTradeEngine
from tetra.risk.vocabulary import TradingState

START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)
BOOK = BookSnapshot(Decimal(100_000), Decimal(50_000), {"SPY": Decimal(10)}, {"SPY": Decimal(500)})


def engine_on(store: Store, clock: FixedClock) -> PreTradeEngine:
    engine = PreTradeEngine(RiskPolicy(), clock=clock, kill_switches=KillSwitchBoard(store, clock))
    engine.set_book("core", BOOK)
    return engine


def test_kill_switch_survives_a_restart(store_url: str) -> None:
    clock = FixedClock(START)
    first = open_store(store_url, StoreKind.LIVE)
    before = engine_on(first, clock)
    before.engage_kill_switch("core", "drawdown review", by="alice")
    clock.advance(dt.timedelta(minutes=5))
    before.engage_kill_switch("*", "exchange outage", by="bob")
    clock.advance(dt.timedelta(minutes=5))
    before.release_kill_switch("*", "exchange back", by="bob")
    first.close()  # the process ends

    second = open_store(store_url, StoreKind.LIVE)
    after = engine_on(second, clock)

    assert after.state("core") is TradingState.HALTED
    buy = OrderIntent("after-restart", "core", "SPY", Side.BUY, Decimal(1))
    assert after.check(buy).code is DenyCode.TRADING_HALTED
    switch = after.kill_switches.get("core")
    assert switch is not None
    assert (switch.engaged, switch.reason, switch.changed_by) == (True, "drawdown review", "alice")
    assert switch.changed_at == START
    assert not after.kill_switches.engaged("*")
    events = second.read(Query("risk.events")).sort_values("at")
    assert events["code"].tolist() == [
        "kill_switch_engaged",
        "kill_switch_engaged",
        "kill_switch_released",
    ]
    second.close()
