"""The bias guards catch look-ahead and say when a backtest did nothing."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import ClassVar

import numpy as np
import pytest

from tetra.backtest.compiled import run_compiled
from tetra.backtest.guards import same_orders, truncation_points
from tetra.backtest.run import run_backtest
from tetra.market import BarContext, MarketData, OrderArrays, OrderKind, SizeKind
from tetra.strategy.base import Strategy, StrategyConfig


def walk(bars: int = 120, seed: int = 3) -> MarketData:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, (bars, 2)), axis=0))
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + bars)
    return MarketData(
        dates,
        ("AAA", "BBB"),
        close,
        close,
        close,
        close,
        np.full(close.shape, 1e6),
        np.ones(close.shape),
        np.zeros(close.shape),
    )


class Peeker(Strategy[StrategyConfig]):
    """Buys when tomorrow's close is higher: a textbook look-ahead bug."""

    name: ClassVar[str] = "peeker"

    def orders(self, market: MarketData) -> OrderArrays:
        tomorrow_up = np.vstack([market.close[1:] > market.close[:-1], np.zeros((1, 2), bool)])
        target = np.where(tomorrow_up, 100.0, 0.0)
        return OrderArrays.of(target, SizeKind.TARGET_SHARES)


class Honest(Strategy[StrategyConfig]):
    """Buys when today's close is above yesterday's."""

    name: ClassVar[str] = "honest"

    def on_bar(self, bar: BarContext) -> None:
        if bar.t == 0:
            return
        up = self_close(bar) > bar.market.close[bar.t - 1]
        for n, rising in enumerate(up):
            bar.order(n, 100.0 if rising else 0.0, SizeKind.TARGET_SHARES)


def self_close(bar: BarContext) -> np.ndarray:
    return bar.close


class Idle(Strategy[StrategyConfig]):
    name: ClassVar[str] = "idle"

    def on_bar(self, bar: BarContext) -> None:
        return None


def test_look_ahead_is_reported() -> None:
    result = run_backtest(Peeker(), walk())

    assert any(w.startswith("look-ahead") for w in result.warnings)


def test_an_honest_strategy_passes_the_guards() -> None:
    result = run_backtest(Honest(), walk())

    assert result.warnings == []
    assert len(result.fills) > 10


def test_a_run_without_trades_is_flagged() -> None:
    result = run_backtest(Idle(), walk())

    assert result.warnings == ["the strategy made no trades"]


def test_a_rerun_is_bit_identical() -> None:
    first = run_backtest(Honest(), walk(), guards=False)
    second = run_backtest(Honest(), walk(), guards=False)

    assert np.array_equal(first.output.equity, second.output.equity)
    assert first.fills.equals(second.fills)


class PeeksOneBar(Strategy[StrategyConfig]):
    """Holds as many shares as the next bar's close: leaky at every truncation point."""

    name: ClassVar[str] = "peeks_one_bar"

    def orders(self, market: MarketData) -> OrderArrays:
        ahead = np.vstack([market.close[1:], np.full((1, market.shape[1]), np.nan)])
        return OrderArrays.of(np.floor(ahead), SizeKind.TARGET_SHARES)


class Noisy(Strategy[StrategyConfig]):
    """Draws from an unseeded generator: each call decides differently."""

    name: ClassVar[str] = "noisy"

    def orders(self, market: MarketData) -> OrderArrays:
        draws = np.random.default_rng().random(market.shape)
        return OrderArrays.of(np.where(draws > 0.5, 100.0, 0.0), SizeKind.TARGET_SHARES)


class DriftingLimit(Strategy[StrategyConfig]):
    """Same sizes every call, but the limit price drifts with a call counter."""

    name: ClassVar[str] = "drifting_limit"
    calls: ClassVar[list[int]] = []

    def orders(self, market: MarketData) -> OrderArrays:
        self.calls.append(1)
        sizes = np.where(market.close > np.roll(market.close, 1, axis=0), 100.0, 0.0)
        orders = OrderArrays.of(sizes, SizeKind.TARGET_SHARES, OrderKind.LIMIT)
        limit = market.close * (1.0 + 0.001 * len(self.calls))
        return dataclasses.replace(orders, limit=limit)


class CallbackPeeker(Strategy[StrategyConfig]):
    """The per-bar path's look-ahead bug: reads the next bar through the market panel."""

    name: ClassVar[str] = "callback_peeker"

    def on_bar(self, bar: BarContext) -> None:
        if bar.t + 1 >= bar.market.shape[0]:
            return
        up = bar.market.close[bar.t + 1] > bar.close
        for n, rising in enumerate(up):
            bar.order(n, 100.0 if rising else 0.0, SizeKind.TARGET_SHARES)


def test_a_one_bar_peek_is_caught_at_every_truncation_point() -> None:
    market = walk()

    result = run_backtest(PeeksOneBar(), market)

    caught = [w for w in result.warnings if w.startswith("look-ahead")]
    assert len(caught) == len(truncation_points(market)) == 3


def test_an_unseeded_strategy_is_reported_non_deterministic() -> None:
    result = run_backtest(Noisy(), walk())

    assert "non-deterministic: a rerun gave different results" in result.warnings


def test_a_difference_in_any_order_field_counts_not_only_sizes() -> None:
    result = run_backtest(DriftingLimit(), walk())

    assert "non-deterministic: a rerun gave different results" in result.warnings


def test_the_per_bar_path_is_guarded_too() -> None:
    result = run_backtest(CallbackPeeker(), walk())

    assert any(w.startswith("look-ahead") for w in result.warnings)


def test_guards_leave_the_result_identical_to_an_unguarded_run() -> None:
    guarded = run_backtest(PeeksOneBar(), walk())
    plain = run_backtest(PeeksOneBar(), walk(), guards=False)

    assert np.array_equal(guarded.output.equity, plain.output.equity)
    assert np.array_equal(guarded.output.fills, plain.output.fills)


def test_the_fill_kernel_is_a_pure_function_of_its_inputs() -> None:
    # the compiled path's determinism guard compares orders only, which rests on this
    market = walk(bars=300)
    orders = PeeksOneBar().orders(market)

    first = run_compiled(market, orders, cash=1e6)
    second = run_compiled(market, orders, cash=1e6)

    for name in ("cash", "equity", "positions", "fills"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name


def some_orders(shape: tuple[int, int] = (6, 3)) -> OrderArrays:
    orders = OrderArrays.of(np.full(shape, np.nan), SizeKind.SHARES, OrderKind.LIMIT)
    orders.size[1, 2] = 10.0
    orders.size[4, 0] = 0.0
    orders.limit[1, 2] = 99.5
    return orders


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", 11.0),
        ("size_kind", int(SizeKind.VALUE)),
        ("kind", int(OrderKind.STOP)),
        ("limit", 99.6),
        ("stop", 98.0),
        ("time_in_force", 1),
    ],
)
def test_the_order_comparison_sees_a_change_in_any_field(field: str, value: float) -> None:
    full, other = some_orders(), some_orders()
    getattr(other, field)[1, 2] = value

    assert same_orders(full, some_orders(), 6)
    assert not same_orders(full, other, 6)
    assert same_orders(full, other, 1)  # the change sits after the compared rows


@pytest.mark.parametrize("level", ["stop_loss", "take_profit"])
def test_an_absent_bracket_field_equals_all_nan_and_differs_from_a_level(level: str) -> None:
    full = some_orders()
    all_nan = dataclasses.replace(some_orders(), **{level: np.full((6, 3), np.nan)})
    one_level = dataclasses.replace(some_orders(), **{level: np.full((6, 3), np.nan)})
    getattr(one_level, level)[4, 0] = 95.0

    assert same_orders(full, all_nan, 6)
    assert not same_orders(full, one_level, 6)
    assert not same_orders(one_level, full, 6)


def test_an_order_placed_or_dropped_or_a_shorter_or_narrower_set_differs() -> None:
    full, dropped, placed = some_orders(), some_orders(), some_orders()
    dropped.size[4, 0] = np.nan
    placed.size[5, 1] = 1.0

    assert not same_orders(full, dropped, 6)
    assert not same_orders(full, placed, 6)
    assert same_orders(full, placed, 5)
    assert not same_orders(full, some_orders((5, 3)), 6)
    assert not same_orders(OrderArrays.empty((6, 2)), OrderArrays.empty((6, 3)), 6)


class SlowOnTheGuardThread(PeeksOneBar):
    """Leaky like `PeeksOneBar`; records who decides, and is slow on the guard thread."""

    name: ClassVar[str] = "slow_on_the_guard_thread"
    seen: ClassVar[list[tuple[str, int, int]]] = []  # (thread, strategy object, rows)
    busy: ClassVar[set[int]] = set()  # strategy objects deciding right now

    def orders(self, market: MarketData) -> OrderArrays:
        thread = threading.current_thread().name
        assert id(self) not in self.busy, "one strategy object used by two threads at once"
        self.busy.add(id(self))
        try:
            if thread.startswith("tetra-guards"):
                time.sleep(0.05)  # the caller's kernel finishes first and takes a share
            self.seen.append((thread, id(self), market.shape[0]))
            return super().orders(market)
        finally:
            self.busy.discard(id(self))


def test_the_caller_takes_waiting_checks_on_a_copy_and_every_check_still_runs() -> None:
    market, strategy = walk(), SlowOnTheGuardThread()

    result = run_backtest(strategy, market)

    cuts = truncation_points(market)
    caught = [w for w in result.warnings if w.startswith("look-ahead")]
    assert caught == [
        f"look-ahead: decisions up to {market.dates[c]} change when later data is removed"
        for c in cuts
    ]
    guard_rows = [rows for thread, _, rows in strategy.seen if thread.startswith("tetra-guards")]
    caller = [
        (obj, rows) for thread, obj, rows in strategy.seen if not thread.startswith("tetra-guards")
    ]
    assert caller[0] == (id(strategy), market.shape[0])  # the run's own decision, on the original
    shares = caller[1:]
    assert shares  # the slow guard thread left checks to the caller ...
    assert all(obj != id(strategy) for obj, _ in shares)  # ... which decided on a copy
    checked = sorted(guard_rows + [rows for _, rows in shares])
    assert checked == sorted([market.shape[0], *(c + 1 for c in cuts)])  # each check once


class HoldsALock(PeeksOneBar):
    """Leaky like `PeeksOneBar`, and holds something that cannot be deep-copied."""

    name: ClassVar[str] = "holds_a_lock"

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()


def test_a_strategy_that_cannot_be_copied_is_still_checked_at_every_cut() -> None:
    market = walk()

    result = run_backtest(HoldsALock(), market)

    caught = [w for w in result.warnings if w.startswith("look-ahead")]
    assert len(caught) == len(truncation_points(market)) == 3
