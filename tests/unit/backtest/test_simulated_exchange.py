"""The simulated exchange, specified as candle tables with the fills they must produce.

Each case: bars (open, high, low, close), the order decided at the first bar's close, and
the expected fill (bar, quantity, price, fee) or none. Orders execute from the next bar.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tetra.backtest.compiled import run_compiled
from tetra.market import MarketData, OrderArrays, OrderKind, SizeKind
from tetra.market.orders import GOOD_TILL_CANCELLED
from tetra.simulation.orders import Commission, Costs, Slippage, TradingRules

NAN = math.nan


def market(candles: list[tuple[float, float, float, float]], volume: float = 1_000.0) -> MarketData:
    frame = pd.DataFrame(candles, columns=["open", "high", "low", "close"])
    frame["symbol"], frame["volume"] = "AAA", volume
    frame["ts"] = pd.date_range("2024-01-02", periods=len(candles), freq="B", tz="UTC")
    return MarketData.from_frames(frame)


def one_order(
    data: MarketData,
    size: float,
    size_kind: SizeKind = SizeKind.SHARES,
    kind: OrderKind = OrderKind.MARKET,
    limit: float = NAN,
    stop: float = NAN,
    gtc: bool = False,
    at: int = 0,
) -> OrderArrays:
    orders = OrderArrays.empty(data.shape)
    orders.size[at, 0], orders.size_kind[at, 0], orders.kind[at, 0] = size, size_kind, kind
    orders.limit[at, 0], orders.stop[at, 0] = limit, stop
    orders.time_in_force[at, 0] = GOOD_TILL_CANCELLED if gtc else 0
    return orders


def fills(
    data: MarketData, orders: OrderArrays, **kwargs: object
) -> list[tuple[int, float, float, float]]:
    output = run_compiled(data, orders, **kwargs)  # type: ignore[arg-type]
    return [(int(f[0]), f[2], round(f[3], 6), round(f[4], 6)) for f in output.fills]


CANDLES = [(100, 101, 99, 100), (102, 104, 98, 103), (97, 99, 95, 96), (96, 108, 96, 107)]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        pytest.param({"size": 10}, [(1, 10, 102, 0)], id="market-next-open"),
        pytest.param({"size": 10, "kind": OrderKind.MARKET_ON_CLOSE}, [(1, 10, 103, 0)], id="moc"),
        pytest.param(
            {"size": 10, "kind": OrderKind.LIMIT, "limit": 99},
            [(1, 10, 99, 0)],
            id="buy-limit-touched",
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.LIMIT, "limit": 97}, [], id="buy-limit-day-expires"
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.LIMIT, "limit": 97, "gtc": True},
            [(2, 10, 97, 0)],
            id="buy-limit-gtc-gap",
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.LIMIT, "limit": 98, "gtc": True},
            [(1, 10, 98, 0)],
            id="gtc-fills-first-chance",
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.STOP, "stop": 103},
            [(1, 10, 103, 0)],
            id="buy-stop-triggered",
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.STOP, "stop": 101},
            [(1, 10, 102, 0)],
            id="buy-stop-gap-fills-at-open",
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.STOP, "stop": 105}, [], id="buy-stop-not-reached"
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.STOP_LIMIT, "stop": 103, "limit": 103.5},
            [(1, 10, 103, 0)],
            id="stop-limit-within",
        ),
        pytest.param(
            {"size": 10, "kind": OrderKind.STOP_LIMIT, "stop": 106, "limit": 107, "gtc": True},
            [(3, 10, 106, 0)],
            id="stop-limit-later-bar",
        ),
    ],
)
def test_order_kinds_fill_by_the_rules(
    order: dict[str, object], expected: list[tuple[int, float, float, float]]
) -> None:
    data = market(CANDLES)

    assert fills(data, one_order(data, **order)) == expected  # type: ignore[arg-type]


def test_value_orders_buy_whole_shares_at_the_fill_price() -> None:
    data = market(CANDLES)

    assert fills(data, one_order(data, 1_000, SizeKind.VALUE)) == [
        (1, 9, 102, 0)
    ]  # floor(1000/102)


def test_per_share_commission_has_a_minimum_and_basis_points_scale_with_value() -> None:
    data = market(CANDLES)
    per_share = Costs(Commission(per_share=0.005, minimum=1.0))
    bps = Costs(Commission(basis_points=10))

    assert fills(data, one_order(data, 10), costs=per_share) == [(1, 10, 102, 1.0)]
    assert fills(data, one_order(data, 1_000), costs=per_share) == [(1, 1000, 102, 5.0)]
    assert fills(data, one_order(data, 10), costs=bps) == [(1, 10, 102, 1.02)]


def test_slippage_moves_price_against_the_trader() -> None:
    data = market(CANDLES)

    assert fills(data, one_order(data, 10), costs=Costs(slippage=Slippage(fixed=0.05))) == [
        (1, 10, 102.05, 0)
    ]
    assert fills(
        data,
        one_order(data, -10),
        costs=Costs(slippage=Slippage(basis_points=10)),
        rules=TradingRules(),
    ) == [(1, -10, 101.898, 0)]
    impact = Costs(slippage=Slippage(impact=0.1))
    assert fills(data, one_order(data, 100), costs=impact) == [(1, 100, 103.02, 0)]  # 10% of volume


def test_buys_never_spend_more_than_the_cash() -> None:
    data = market(CANDLES)

    assert fills(data, one_order(data, 100), cash=5_000.0) == [(1, 49, 102, 0)]
    fee = Costs(Commission(fixed=10.0))
    assert fills(data, one_order(data, 100), cash=5_000.0, costs=fee) == [(1, 48, 102, 10.0)]


def test_without_shorting_a_sell_only_closes_the_long() -> None:
    data = market(CANDLES)
    orders = one_order(data, 10)
    orders.size[1, 0] = -25

    no_short = fills(data, orders, rules=TradingRules(allow_short=False))

    assert no_short == [(1, 10, 102, 0), (2, -10, 97, 0)]
    assert fills(data, orders)[-1] == (2, -25, 97, 0)


def test_a_split_multiplies_the_position_and_a_dividend_pays_cash() -> None:
    data = market(CANDLES)
    ratio, dividend = data.split_ratio.copy(), data.dividend.copy()
    ratio[2, 0], dividend[3, 0] = 2.0, 0.5
    split = MarketData(
        data.dates,
        data.symbols,
        data.open,
        data.high,
        data.low,
        data.close,
        data.volume,
        ratio,
        dividend,
    )

    output = run_compiled(split, one_order(split, 10), cash=10_000.0)

    assert output.positions[:, 0].tolist() == [0, 10, 20, 20]
    assert output.cash[-1] == pytest.approx(10_000 - 1_020 + 20 * 0.5)


def test_sells_execute_before_buys_so_freed_cash_is_spent() -> None:
    frame = pd.DataFrame(
        {
            "symbol": ["AAA", "AAA", "BBB", "BBB"],
            "ts": pd.to_datetime(["2024-01-02", "2024-01-03"] * 2, utc=True),
            "open": [10.0, 10.0, 10.0, 10.0],
            "high": 10.0,
            "low": 10.0,
            "close": 10.0,
            "volume": 1.0,
        }
    )
    data = MarketData.from_frames(frame)
    orders = OrderArrays.empty(data.shape)
    orders.size[0, :] = [100, -100]  # buy AAA with the cash that selling BBB frees
    output = run_compiled(data, orders, cash=0.0, rules=TradingRules())

    assert output.positions[1].tolist() == [100, -100]
    assert np.isclose(output.cash[1], 0.0)


def test_pnl_splits_into_realised_fees_dividends_and_unrealised() -> None:
    from tetra.backtest.result import BacktestResult

    data = market(CANDLES)
    dividend = data.dividend.copy()
    dividend[2, 0] = 0.5
    paying = MarketData(
        data.dates,
        data.symbols,
        data.open,
        data.high,
        data.low,
        data.close,
        data.volume,
        data.split_ratio,
        dividend,
    )
    orders = one_order(paying, 10)
    orders.size[2, 0] = -4  # sell part at the next open (96)
    output = run_compiled(paying, orders, cash=10_000.0, costs=Costs(Commission(fixed=1.0)))

    pnl = BacktestResult(paying, output, 10_000.0).pnl

    final = pnl.iloc[-1]
    assert final["realised"] == pytest.approx(-4 * (102 - 96))
    assert final["fees"] == pytest.approx(2.0)
    assert final["dividends"] == pytest.approx(10 * 0.5)
    assert final["unrealised"] == pytest.approx(6 * (107 - 102))
    assert final["total"] == pytest.approx(final["realised"] - 2.0 + 5.0 + 30.0)
