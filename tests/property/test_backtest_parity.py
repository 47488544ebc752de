"""Differential: the compiled path and the per-bar path give identical fills, cash and equity."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from typing import ClassVar

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tetra.backtest.compiled import run_compiled
from tetra.backtest.engine import run_callbacks
from tetra.backtest.run import run_backtest
from tetra.market import BarContext, MarketData, OrderArrays, OrderKind, SizeKind
from tetra.simulation.exits import Exits
from tetra.simulation.layout import F_EXIT, F_ORDER_ROW, F_QUANTITY, F_SYMBOL, F_T
from tetra.simulation.orders import Commission, Costs, Slippage, TradingRules
from tetra.strategy.base import Strategy, StrategyConfig
from tetra.strategy.membership import Membership, MembersOnly


def random_market(seed: int, bars: int, symbols: int) -> MarketData:
    rng = np.random.default_rng(seed)
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, (bars, symbols)), axis=0))
    open_ = close * np.exp(rng.normal(0, 0.005, close.shape))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.02, close.shape))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.02, close.shape))
    close[rng.random(close.shape) < 0.05] = np.nan  # some symbols miss some days
    for array in (open_, high, low):
        array[np.isnan(close)] = np.nan
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + bars)
    ones, zeros = np.ones(close.shape), np.zeros(close.shape)
    dividend = np.where(rng.random(close.shape) < 0.02, 0.3, 0.0)
    ratio = np.where(rng.random(close.shape) < 0.01, 2.0, 1.0)
    return MarketData(
        dates,
        tuple(f"S{i}" for i in range(symbols)),
        open_,
        high,
        low,
        close,
        rng.uniform(1e3, 1e5, close.shape),
        ratio * ones,
        dividend + zeros,
    )


def random_orders(seed: int, market: MarketData) -> OrderArrays:
    rng = np.random.default_rng(seed + 1)
    orders = OrderArrays.empty(market.shape)
    placed = rng.random(market.shape) < 0.3
    orders.size_kind[placed] = rng.integers(0, 6, placed.sum())
    sizes = {
        0: rng.integers(-50, 50, placed.sum()),
        1: rng.uniform(-5e3, 5e3, placed.sum()),
        2: rng.uniform(-0.2, 0.2, placed.sum()),
    }
    kinds = orders.size_kind[placed]
    orders.size[placed] = np.select(
        [np.isin(kinds, (0, 3)), np.isin(kinds, (1, 4))], [sizes[0], sizes[1]], sizes[2]
    )
    orders.kind[placed] = rng.integers(0, 6, placed.sum())
    reference = np.nan_to_num(market.close, nan=50.0)
    orders.limit[placed] = (reference * rng.uniform(0.95, 1.05, market.shape))[placed]
    orders.stop[placed] = (reference * rng.uniform(0.95, 1.05, market.shape))[placed]
    orders.time_in_force[placed] = rng.integers(0, 2, placed.sum())
    return orders


def with_brackets(seed: int, market: MarketData, orders: OrderArrays) -> OrderArrays:
    """The same orders, a third of them bracket entries with levels around the close."""
    rng = np.random.default_rng(seed + 2)
    reference = np.nan_to_num(market.close, nan=50.0)
    chosen = np.isfinite(orders.size) & (rng.random(market.shape) < 0.3)
    stop_loss = np.where(chosen, reference * rng.uniform(0.9, 0.99, market.shape), np.nan)
    take_profit = np.where(chosen, reference * rng.uniform(1.01, 1.1, market.shape), np.nan)
    take_profit[rng.random(market.shape) < 0.3] = np.nan
    fields = (orders.size, orders.size_kind, orders.kind, orders.limit, orders.stop)
    return OrderArrays(*fields, orders.time_in_force, stop_loss, take_profit)


def replay(orders: OrderArrays):  # type: ignore[no-untyped-def]
    """A per-bar strategy placing exactly the orders of the arrays."""
    stop_loss, take_profit = orders.brackets()

    def on_bar(bar: BarContext) -> None:
        for n in np.flatnonzero(np.isfinite(orders.size[bar.t])):
            bar.order(
                int(n),
                orders.size[bar.t, n],
                SizeKind(orders.size_kind[bar.t, n]),
                OrderKind(orders.kind[bar.t, n]),
                limit=orders.limit[bar.t, n],
                stop=orders.stop[bar.t, n],
                good_till_cancelled=bool(orders.time_in_force[bar.t, n]),
                stop_loss=stop_loss[bar.t, n],
                take_profit=take_profit[bar.t, n],
            )

    return on_bar


COSTS = st.sampled_from(
    [
        Costs(),
        Costs(Commission(per_share=0.01, minimum=1.0), Slippage(basis_points=5)),
        Costs(Commission(basis_points=2), Slippage(impact=0.05)),
        Costs(Commission(fixed=1.0), Slippage(fixed=0.01)),
    ]
)
RULES = st.sampled_from(
    [TradingRules(), TradingRules(allow_short=False), TradingRules(fractional=True)]
)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), costs=COSTS, rules=RULES)
def test_both_paths_fill_identically(seed: int, costs: Costs, rules: TradingRules) -> None:
    market = random_market(seed, bars=60, symbols=4)
    orders = random_orders(seed, market)

    compiled = run_compiled(market, orders, cash=100_000.0, costs=costs, rules=rules)
    per_bar = run_callbacks(market, replay(orders), cash=100_000.0, costs=costs, rules=rules)

    np.testing.assert_array_equal(compiled.fills, per_bar.fills)
    np.testing.assert_array_equal(compiled.cash, per_bar.cash)
    np.testing.assert_array_equal(compiled.equity, per_bar.equity)
    np.testing.assert_array_equal(compiled.positions, per_bar.positions)
    assert len(compiled.fills) > 0


EXITS = st.sampled_from(
    [
        Exits(),
        Exits(stop_loss=0.03, take_profit=0.05),
        Exits(trailing_stop=0.04, time_exit=5),
        Exits(stop_loss_atr=1.5, take_profit_atr=3.0, atr_window=5, both_touched="target"),
        Exits(trailing_stop_atr=2.0, atr_window=3, stop_loss=0.02),
    ]
)


def small_case(seed: int, brackets: bool) -> tuple[MarketData, OrderArrays]:
    """A 60-bar, 4-symbol random market and random orders on it, with brackets if asked."""
    market = random_market(seed, bars=60, symbols=4)
    orders = random_orders(seed, market)
    return market, with_brackets(seed, market, orders) if brackets else orders


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), costs=COSTS, rules=RULES, exits=EXITS, brackets=st.booleans())
def test_both_paths_fill_identically_with_stops_and_exits(
    seed: int, costs: Costs, rules: TradingRules, exits: Exits, brackets: bool
) -> None:
    market, orders = small_case(seed, brackets)
    account = {"cash": 100_000.0, "costs": costs, "rules": rules, "exits": exits}

    compiled = run_compiled(market, orders, **account)  # type: ignore[arg-type]
    per_bar = run_callbacks(market, replay(orders), **account)  # type: ignore[arg-type]

    np.testing.assert_array_equal(compiled.fills, per_bar.fills)
    np.testing.assert_array_equal(compiled.cash, per_bar.cash)
    np.testing.assert_array_equal(compiled.equity, per_bar.equity)
    np.testing.assert_array_equal(compiled.positions, per_bar.positions)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_cash_plus_positions_always_equal_equity(seed: int) -> None:
    # Split-free: after a split the engine's carried last price divides by the ratio,
    # which a forward-filled close would not (the split case has its own candle test).
    with_splits = random_market(seed, bars=60, symbols=4)
    market = MarketData(
        with_splits.dates,
        with_splits.symbols,
        with_splits.open,
        with_splits.high,
        with_splits.low,
        with_splits.close,
        with_splits.volume,
        np.ones(with_splits.shape),
        with_splits.dividend,
    )
    output = run_compiled(market, random_orders(seed, market), cash=100_000.0)

    last = pd.DataFrame(market.close).ffill().fillna(0.0).to_numpy()
    value = np.nansum(output.positions * last, axis=1)
    np.testing.assert_allclose(output.cash + value, output.equity, rtol=1e-12)


class Replayed(Strategy[StrategyConfig]):
    """Fixed order arrays as a strategy on both paths (the per-bar path replays them)."""

    name: ClassVar[str] = "replayed"

    def __init__(self, orders: OrderArrays) -> None:
        super().__init__(StrategyConfig())
        self.fixed = orders

    def orders(self, market: MarketData) -> OrderArrays:
        rows = market.shape[0]  # the guards run on truncated markets
        return OrderArrays(*(None if a is None else a[:rows].copy() for a in astuple(self.fixed)))

    def on_bar(self, bar: BarContext) -> None:
        replay(self.fixed)(bar)


def random_membership(seed: int, market: MarketData) -> Membership:
    """Each symbol in and out over spans of 3 to 15 days; the last symbol always in."""
    rng = np.random.default_rng(seed + 3)
    first, last = market.dates[0].astype(dt.date), market.dates[-1].astype(dt.date)
    spans: dict[str, tuple[tuple[dt.date | None, dt.date | None], ...]] = {}
    for symbol in market.symbols[:-1]:
        day, inside, found = first, bool(rng.integers(2)), []
        while day <= last:
            length = dt.timedelta(days=int(rng.integers(3, 16)))
            if inside:
                found.append((day, day + length - dt.timedelta(days=1)))
            day, inside = day + length, not inside
        spans[symbol] = tuple(found)
    return Membership(spans, "@random")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), costs=COSTS, rules=RULES, exits=EXITS, brackets=st.booleans())
def test_both_paths_fill_identically_under_a_membership_mask(
    seed: int, costs: Costs, rules: TradingRules, exits: Exits, brackets: bool
) -> None:
    market, orders = small_case(seed, brackets)
    membership = random_membership(seed, market)
    strategy = MembersOnly(Replayed(orders), membership)
    account = {"cash": 100_000.0, "costs": costs, "rules": rules, "exits": exits}

    compiled = run_backtest(strategy, market, path="compiled", guards=False, **account)  # type: ignore[arg-type]
    per_bar = run_backtest(strategy, market, path="callback", guards=False, **account)  # type: ignore[arg-type]

    np.testing.assert_array_equal(compiled.output.fills, per_bar.output.fills)
    np.testing.assert_array_equal(compiled.output.equity, per_bar.output.equity)
    np.testing.assert_array_equal(_by_bar(compiled.decisions), _by_bar(per_bar.decisions))
    fills, inside = compiled.output.fills, membership.mask(market)
    own = fills[fills[:, F_EXIT] == 0]
    grows = [row for row in own if _grows(row, compiled.output.positions)]
    assert all(inside[int(row[F_ORDER_ROW]), int(row[F_SYMBOL])] for row in grows)


def _by_bar(decisions: np.ndarray | None) -> np.ndarray:
    """Decisions by bar, then symbol (the per-bar log keeps the order they were placed in)."""
    assert decisions is not None
    return decisions[np.lexsort((decisions[:, 1], decisions[:, 0]))]


def _grows(fill: np.ndarray, positions: np.ndarray) -> bool:
    """Whether a fill left its symbol's position larger in size (or on the other side)."""
    t, n = int(fill[F_T]), int(fill[F_SYMBOL])
    after = positions[t, n]
    before = after - fill[F_QUANTITY]  # one fill per symbol per bar
    return abs(after) > abs(before) or before * after < 0
