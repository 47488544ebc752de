"""Kill switches: halt at once, stored through a restart, exits and cancels still pass."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pretrade_fixtures import BOOK, POLICY, engine, order

from tetra.risk import OrderAction, reduces_exposure
from tetra.risk.killswitch import GLOBAL_SCOPE
from tetra.risk.orders import DenyCode
from tetra.risk.vocabulary import TradingState

SYMBOLS = ["SPY", "NVDA", "BTC", "QQQ", "AAPL", "ETH", "TLT"]
orders = st.tuples(
    st.sampled_from(SYMBOLS),
    st.sampled_from(["buy", "sell"]),
    st.sampled_from(["1", "5", "50", "100", "300", "1500", "2000"]),
    st.sampled_from([OrderAction.SUBMIT, OrderAction.CANCEL]),
)
UNLIMITED = POLICY.model_copy(
    update={"orders": POLICY.orders.model_copy(update={"max_submits": None})}
)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([GLOBAL_SCOPE, "core"]),
    st.booleans(),
    st.lists(orders, min_size=1, max_size=40),
)
def test_kill_switch_blocks_every_risk_increasing_order(
    scope: str, flattening: bool, requests: list[tuple[str, str, str, OrderAction]]
) -> None:
    checks = engine(UNLIMITED)
    checks.engage_kill_switch(scope, "test", by="hypothesis")
    if flattening:
        checks.begin_flatten("core", "flatten under the switch")

    for symbol, side, quantity, action in requests:
        intent = order(symbol, side, quantity, action=action)
        position = checks.exposure("core").positions.get(symbol, Decimal(0))
        reduces = reduces_exposure(float(position), float(intent.signed_quantity))
        decision = checks.check(intent)
        if action is OrderAction.CANCEL:
            assert decision.allowed
        elif not flattening:
            assert decision.code is DenyCode.TRADING_HALTED
        elif not reduces:
            assert decision.code is DenyCode.TRADING_REDUCING
        else:
            assert decision.allowed, decision
            checks.apply_fill("core", symbol, intent.signed_quantity, BOOK.last_close[symbol])


def test_halt_denies_exits_but_flattening_goes_through_reducing() -> None:
    checks = engine(UNLIMITED)
    checks.engage_kill_switch("core", "operator", by="ops")

    assert checks.state("core") is TradingState.HALTED
    assert checks.check(order("SPY", "sell", "10")).code is DenyCode.TRADING_HALTED
    assert checks.check(order("SPY", "sell", "10", action=OrderAction.CANCEL)).allowed

    closing = checks.begin_flatten("core", "flatten")
    assert checks.state("core") is TradingState.REDUCING
    assert sorted((o.symbol, o.side.value, o.quantity) for o in closing) == [
        ("BTC", "sell", Decimal("0.5")),
        ("NVDA", "sell", Decimal(1500)),
        ("QQQ", "buy", Decimal(100)),
        ("SPY", "sell", Decimal(300)),
    ]
    assert all(checks.check(intent).allowed for intent in closing)
    assert checks.check(order("AAPL", "buy", "1")).code is DenyCode.TRADING_REDUCING

    checks.end_flatten("core", "flat")
    assert checks.state("core") is TradingState.HALTED
    assert [t.current for t in checks.journal] == [
        TradingState.HALTED,
        TradingState.REDUCING,
        TradingState.HALTED,
    ]


def test_global_switch_halts_every_book_and_release_resumes() -> None:
    checks = engine(UNLIMITED)
    checks.set_book("hedge", BOOK)

    checks.engage_kill_switch(GLOBAL_SCOPE, "market event", by="ops")
    assert {checks.state(b) for b in ("core", "hedge")} == {TradingState.HALTED}

    checks.release_kill_switch(GLOBAL_SCOPE, "over", by="ops")
    assert checks.check(order("AAPL", "buy", "1", book="hedge")).allowed


def test_switch_changes_need_a_reason_and_a_clean_scope() -> None:
    checks = engine()

    with pytest.raises(ValueError, match="reason"):
        checks.engage_kill_switch("core", " ", by="ops")
    with pytest.raises(ValueError, match="scope"):
        checks.engage_kill_switch("two words", "x", by="ops")
