"""Pre-trade checks: a table of orders with the expected verdict and reason code for each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from pretrade_fixtures import BOOK, POLICY, D, engine, order

from tetra.risk import LimitEvaluator, OrderAction
from tetra.risk.orders import DenyCode, OrderIntent
from tetra.risk.vocabulary import TradingState

A = None  # allowed
TABLE: list[tuple[str, OrderIntent, DenyCode | None]] = [
    ("plain buy within every limit", order("AAPL", "buy", "100"), A),
    ("limit buy on the tick grid", order("AAPL", "buy", "10", "limit", "199.95"), A),
    ("zero quantity", order("AAPL", "buy", "0"), DenyCode.QUANTITY_NOT_POSITIVE),
    ("negative quantity", order("AAPL", "buy", "-5"), DenyCode.QUANTITY_NOT_POSITIVE),
    ("NaN quantity", order("AAPL", "buy", "NaN"), DenyCode.QUANTITY_NOT_POSITIVE),
    (
        "fractional shares of a stock",
        order("AAPL", "buy", "1.5"),
        DenyCode.QUANTITY_NOT_LOT_MULTIPLE,
    ),
    ("fractional crypto on the 1e-8 grid", order("ETH", "buy", "0.12345678"), A),
    (
        "crypto below the 1e-8 grid",
        order("ETH", "buy", "0.123456789"),
        DenyCode.QUANTITY_NOT_LOT_MULTIPLE,
    ),
    ("limit order without a price", order("AAPL", "buy", "10", "limit"), DenyCode.PRICE_MISSING),
    ("stop order without a stop", order("AAPL", "sell", "10", "stop"), DenyCode.PRICE_MISSING),
    (
        "negative limit price",
        order("AAPL", "buy", "10", "limit", "-1"),
        DenyCode.PRICE_NOT_POSITIVE,
    ),
    ("NaN limit price", order("AAPL", "buy", "10", "limit", "NaN"), DenyCode.PRICE_NOT_POSITIVE),
    (
        "price off the tick grid",
        order("AAPL", "buy", "10", "limit", "199.955"),
        DenyCode.PRICE_NOT_TICK_MULTIPLE,
    ),
    ("unknown symbol", order("ZZZZ", "buy", "1"), DenyCode.UNKNOWN_SYMBOL),
    ("no last close to value it", order("MSFT", "buy", "1"), DenyCode.NO_REFERENCE_PRICE),
    ("unknown book", order("AAPL", "buy", "1", book="ghost"), DenyCode.UNKNOWN_BOOK),
    (
        "fat finger: limit 20 % above the close",
        order("AAPL", "buy", "10", "limit", "240"),
        DenyCode.PRICE_OUTSIDE_BAND,
    ),
    (
        "stop 15 % below the close",
        order("SPY", "sell", "10", "stop", stop="425"),
        DenyCode.PRICE_OUTSIDE_BAND,
    ),
    (
        "notional 160,000 above the 150,000 cap",
        order("AAPL", "buy", "800"),
        DenyCode.NOTIONAL_ABOVE_MAX,
    ),
    (
        "notional 210,000 at the limit price",
        order("AAPL", "buy", "1050", "limit", "200.00"),
        DenyCode.NOTIONAL_ABOVE_MAX,
    ),
    ("NVDA 18 % -> 21.6 %: position limit", order("NVDA", "buy", "300"), DenyCode.POSITION_LIMIT),
    ("BTC 5 % -> 11 %: crypto group cap", order("BTC", "buy", "0.6"), DenyCode.GROUP_LIMIT),
    (
        "AMD joins NVDA in semiconductors over 25 %",
        order("AMD", "buy", "800"),
        DenyCode.THEME_LIMIT,
    ),
    ("selling all NVDA (180,000) passes: caps bind new risk", order("NVDA", "sell", "1500"), A),
    ("covering the QQQ short", order("QQQ", "buy", "100"), A),
    ("flipping QQQ long adds exposure", order("QQQ", "buy", "150"), A),
    ("duplicate client order id", order("AAPL", "buy", "1", client_order_id="dup"), A),
    (
        "... the same id again",
        order("AAPL", "buy", "1", client_order_id="dup"),
        DenyCode.DUPLICATE_CLIENT_ORDER_ID,
    ),
    (
        "modify of an unknown order",
        order("AAPL", "buy", "1", action=OrderAction.MODIFY),
        DenyCode.UNKNOWN_ORDER,
    ),
    (
        "modify of a known order",
        order("AAPL", "buy", "2", client_order_id="dup", action=OrderAction.MODIFY),
        A,
    ),
    ("cancel always passes", order("AAPL", "buy", "0", action=OrderAction.CANCEL), A),
]


def test_order_table_verdicts_and_reasons() -> None:
    checks = engine(
        POLICY.model_copy(update={"orders": POLICY.orders.model_copy(update={"max_submits": None})})
    )

    verdicts = [(name, checks.check(intent)) for name, intent, _ in TABLE]

    for (name, decision), (_, _, expected) in zip(verdicts, TABLE, strict=True):
        assert decision.code is expected, f"{name}: {decision}"
        assert decision.allowed is (expected is None), name
        assert bool(decision.reason) is (expected is not None), name


def test_buying_power_is_checked_for_orders_adding_exposure() -> None:
    poor = engine()
    poor.set_book("core", BOOK.__class__(D(1_000_000), D(1000), BOOK.positions, BOOK.last_close))

    assert poor.check(order("AAPL", "buy", "10")).code is DenyCode.BUYING_POWER_EXCEEDED
    assert poor.check(order("SPY", "sell", "10")).allowed


@pytest.mark.parametrize(
    ("policy_update", "intent", "code"),
    [
        (
            {"max_gross_leverage": 0.5, "max_net_leverage": 0.5},
            order("TLT", "buy", "1000"),
            DenyCode.GROSS_LEVERAGE_LIMIT,
        ),
        ({"max_net_leverage": 0.35}, order("TLT", "buy", "500"), DenyCode.NET_LEVERAGE_LIMIT),
        (
            {"asset_class_caps": {"crypto": 0.06}},
            order("ETH", "buy", "3"),
            DenyCode.ASSET_CLASS_LIMIT,
        ),
    ],
)
def test_book_wide_limits_after_the_fill(
    policy_update: dict[str, object], intent: OrderIntent, code: DenyCode
) -> None:
    checks = engine(POLICY.model_copy(update=policy_update))

    assert checks.check(intent).code is code


def test_submit_rate_over_a_sliding_window_of_the_injected_clock() -> None:
    checks = engine()
    clock = checks._clock  # the FixedClock the fixture injected

    verdicts = [checks.check(order("AAPL", "buy", "1")).allowed for _ in range(6)]
    clock.advance(dt.timedelta(seconds=1.001))  # type: ignore[attr-defined]
    after = checks.check(order("AAPL", "buy", "1"))

    assert verdicts == [True] * 5 + [False]
    assert checks.check(order("AAPL", "buy", "1")).code is DenyCode.RATE_LIMIT_EXCEEDED or after
    assert after.allowed


def test_projections_match_the_limit_evaluator() -> None:
    checks = engine()
    book = checks.exposure("core")
    symbols = tuple(BOOK.last_close)
    evaluator = LimitEvaluator(POLICY, symbols)

    book.apply_fill("AMD", Decimal(300), Decimal(100))
    projection = book.project("BTC", 0.2, 100_000.0)
    book.apply_fill("BTC", Decimal("0.2"), Decimal(100_000))
    weights = np.array(book.weights(symbols))
    readings = {(r.kind.value, r.subject): r.value for r in evaluator.usage_table(weights)}
    measured = evaluator.check(weights, [1_000_000.0])

    assert projection.gross[1] == pytest.approx(measured.readings[4].value)
    assert projection.net[1] == pytest.approx(measured.readings[5].value)
    assert projection.weight[1] == pytest.approx(readings[("position_weight", "BTC")])
    crypto_row = next(b for b, _, _ in projection.buckets if book.buckets[b].name == "crypto")
    assert dict((b, a) for b, _, a in projection.buckets)[crypto_row] == pytest.approx(
        readings[("group_exposure", "crypto")]
    )


def test_breached_limits_move_the_book_through_its_state() -> None:
    checks = engine(POLICY.model_copy(update={"max_drawdown": 0.1, "persistence": 1}))
    evaluator = LimitEvaluator(checks.policy, tuple(BOOK.last_close))
    drawdown = evaluator.check(np.zeros(len(BOOK.last_close)), [1_000_000.0, 850_000.0])

    transitions = checks.observe("core", drawdown, at="2025-03-03")

    assert checks.state("core") is TradingState.HALTED
    assert "drawdown" in transitions[0].reason
    assert checks.check(order("SPY", "sell", "10")).code is DenyCode.TRADING_HALTED
