"""The bias guards catch look-ahead and say when a backtest did nothing."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from tetra.backtest.run import run_backtest
from tetra.market import BarContext, MarketData, OrderArrays, SizeKind
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
