"""`Sized`: a strategy's entries sized by a policy, by hand-computed numbers, on both paths."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pytest

from tetra.backtest.managed import RiskManaged
from tetra.backtest.run import run_backtest
from tetra.backtest.sized import Sized
from tetra.market import BarContext, MarketData, SizeKind
from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingPolicy
from tetra.simulation.exits import Exits
from tetra.simulation.orders import TradingRules
from tetra.strategy.base import StrategyConfig
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.strategy.library.stepwise import StepwiseStrategy
from tetra.testing import bars_frame

CASH = 100_000.0
ENTRY, EXIT = 4, 7  # decision bars: both symbols entered at 4, SPY exited at 7
SPY_MOVE, BTC_MOVE = 0.01, 0.04  # each bar's return alternates +move, -move
VOL_TARGET = SizingPolicy(method="volatility_target", target=0.10, lookback=4)


def _closes(start: float, move: float, bars: int) -> np.ndarray:
    steps = [1.0] + [1.0 + move if k % 2 else 1.0 - move for k in range(1, bars)]
    return start * np.cumprod(steps)


@pytest.fixture(scope="module")
def market() -> MarketData:
    """Flat bars (open = high = low = close): SPY near 100, BTC near 30,000."""
    close = np.column_stack([_closes(100.0, SPY_MOVE, 10), _closes(30_000.0, BTC_MOVE, 10)])
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-11"))
    ones = np.ones(close.shape)
    return MarketData(dates, ("SPY", "BTC"), close, close, close, close, ones * 1e9,
                      ones, ones * 0.0)  # fmt: skip


class EnterThenExit(StepwiseStrategy[StrategyConfig]):
    """Target half the book in each symbol at bar `ENTRY`; close SPY at bar `EXIT`."""

    name: ClassVar[str] = "enter_then_exit"
    entry: int = ENTRY

    def decide(self, t: int) -> np.ndarray:
        if t == self.entry:
            return np.array([0.5, 0.5])
        if t == EXIT:
            return np.array([0.0, np.nan])
        return self.no_orders()


def _vol_weight(move: float) -> float:
    """By hand: 4 returns of +-move have sample std move * sqrt(4/3); annualised by sqrt(252)."""
    return 0.10 / (move * math.sqrt(4 / 3) * math.sqrt(252))


def _filled(result: object) -> dict[str, list[float]]:
    fills = result.fills  # type: ignore[attr-defined]
    return {s: list(fills.loc[fills["symbol"] == s, "quantity"]) for s in ("SPY", "BTC")}


@pytest.mark.parametrize("path", ["compiled", "callback"])
def test_volatility_target_buys_target_over_volatility_of_each_symbol(
    market: MarketData, path: str
) -> None:
    rules = TradingRules(fractional=True)

    result = run_backtest(EnterThenExit(), market, cash=CASH, rules=rules, sizing=VOL_TARGET,
                          path=path)  # type: ignore[arg-type]  # fmt: skip

    spy, btc = (CASH * _vol_weight(m) / market.open[ENTRY + 1, n]
                for n, m in enumerate((SPY_MOVE, BTC_MOVE)))  # fmt: skip
    filled = _filled(result)
    assert filled["SPY"] == [pytest.approx(spy, rel=1e-12), pytest.approx(-spy, rel=1e-12)]
    assert filled["BTC"] == [pytest.approx(btc, rel=1e-12)]
    assert _vol_weight(SPY_MOVE) == pytest.approx(0.5455447, rel=1e-6)


def test_sized_runs_trade_whole_shares_of_a_stock_and_fractions_of_crypto(
    market: MarketData,
) -> None:
    sized = run_backtest(EnterThenExit(), market, cash=CASH, sizing=VOL_TARGET)
    unsized = run_backtest(EnterThenExit(), market, cash=CASH)
    whole = run_backtest(EnterThenExit(), market, cash=CASH, sizing=VOL_TARGET,
                         rules=TradingRules())  # fmt: skip

    price = market.open[ENTRY + 1]
    half = [math.floor(0.5 * CASH / p) for p in price]
    assert _filled(unsized) == {"SPY": [half[0], -half[0]], "BTC": [half[1]]}
    spy = math.floor(CASH * _vol_weight(SPY_MOVE) / price[0])
    btc = CASH * _vol_weight(BTC_MOVE) / price[1]
    assert spy == 540
    assert _filled(sized) == {"SPY": [spy, -spy], "BTC": [pytest.approx(btc, rel=1e-12)]}
    assert 0 < btc < 1
    assert _filled(whole) == {"SPY": [spy, -spy], "BTC": []}  # the run's own rules win


def test_fixed_risk_uses_the_runs_stop_loss_when_entries_carry_none(market: MarketData) -> None:
    sizing = SizingPolicy(method="fixed_risk", risk=0.01)
    rules = TradingRules(fractional=True)

    result = run_backtest(EnterThenExit(), market, cash=CASH, rules=rules, sizing=sizing,
                          exits=Exits(stop_loss=0.05))  # fmt: skip

    # w = risk * price / (price * 0.05) = 0.2 of equity in each symbol
    spy, btc = 0.2 * CASH / market.open[ENTRY + 1]
    assert _filled(result) == {"SPY": [pytest.approx(spy, rel=1e-12),
                                       pytest.approx(-spy, rel=1e-12)],
                               "BTC": [pytest.approx(btc, rel=1e-12)]}  # fmt: skip


def test_an_entry_without_enough_history_is_dropped_not_sent_unsized(market: MarketData) -> None:
    early = EnterThenExit()
    early.entry = 1  # one return behind it: no volatility yet

    result = run_backtest(early, market, cash=CASH, sizing=VOL_TARGET)

    assert result.fills.empty


def test_the_policy_sizing_table_sizes_entries_before_the_limits(market: MarketData) -> None:
    policy = RiskPolicy(max_position_weight=0.9, sizing=VOL_TARGET)
    rules = TradingRules(fractional=True)

    under_policy = run_backtest(EnterThenExit(), market, cash=CASH, rules=rules, risk_policy=policy)
    sized_only = run_backtest(EnterThenExit(), market, cash=CASH, rules=rules, sizing=VOL_TARGET)

    assert _filled(under_policy) == _filled(sized_only)
    assert under_policy.interventions.empty
    assert isinstance(RiskManaged(EnterThenExit(), policy).strategy, Sized)


def test_sized_runs_decide_and_fill_alike_on_both_paths() -> None:
    market = MarketData.from_frames(bars_frame(("SPY", "QQQ", "BTC"), periods=300, seed=3))
    sizing = SizingPolicy(method="inverse_volatility", gross=0.9, book_volatility=0.15)
    strategy = Sized(MovingAverageCrossover(fast=5, slow=20), sizing)

    compiled = run_backtest(strategy, market, cash=CASH, path="compiled")
    per_bar = run_backtest(strategy, market, cash=CASH, path="callback")
    unsized = run_backtest(MovingAverageCrossover(fast=5, slow=20), market, cash=CASH)

    np.testing.assert_array_equal(compiled.output.fills, per_bar.output.fills)
    assert not [w for w in compiled.warnings + per_bar.warnings if "look" in w or "rerun" in w]
    assert len(compiled.fills) > 0
    assert not np.array_equal(compiled.output.fills, unsized.output.fills)
    assert strategy.describe().endswith(
        "sized by inverse_volatility(gross=0.9, book_volatility=0.15)"
    )


def test_sizing_a_risk_managed_strategy_outside_its_policy_is_refused(market: MarketData) -> None:
    strategy = RiskManaged(EnterThenExit(), RiskPolicy(max_position_weight=0.5))

    with pytest.raises(ValueError, match="sizing from its policy"):
        run_backtest(strategy, market, sizing=VOL_TARGET)


@pytest.mark.parametrize(
    "settings",
    [
        {"method": "equal_weight", "gross": 0.9},
        {"method": "fixed_fractional", "fraction": 0.2},
        {"method": "fixed_risk", "risk": 0.01},
        {"method": "volatility_target", "target": 0.1, "max_weight": 0.3},
        {"method": "risk_parity", "gross": 0.9, "lookback": 40},
        {"method": "kelly", "fraction": 0.5, "cap": 0.3},
    ],
    ids=lambda settings: str(settings["method"]),
)
def test_every_method_sizes_alike_on_both_paths(settings: dict[str, object]) -> None:
    market = MarketData.from_frames(bars_frame(("SPY", "QQQ", "BTC"), periods=200, seed=5))
    strategy = MovingAverageCrossover(fast=5, slow=20)
    sizing = SizingPolicy.model_validate(settings)
    exits = Exits(stop_loss=0.05)

    compiled = run_backtest(strategy, market, cash=CASH, sizing=sizing, exits=exits,
                            path="compiled")  # fmt: skip
    per_bar = run_backtest(strategy, market, cash=CASH, sizing=sizing, exits=exits,
                           path="callback")  # fmt: skip

    np.testing.assert_array_equal(compiled.output.fills, per_bar.output.fills)
    assert len(compiled.fills) > 0
    assert not [w for w in compiled.warnings + per_bar.warnings if "look" in w or "rerun" in w]


class OrderThenCancel(StepwiseStrategy[StrategyConfig]):
    """Per bar: order SPY at bar 5 and cancel it at once; order BTC at bar 5 and keep it."""

    name: ClassVar[str] = "order_then_cancel"

    def on_bar(self, bar: BarContext) -> None:
        if bar.t == 5:
            bar.order("SPY", 0.5, SizeKind.TARGET_PERCENT)
            bar.order("BTC", 0.5, SizeKind.TARGET_PERCENT)
            bar.cancel("SPY")


def test_a_cancelled_order_is_neither_sized_nor_sent(market: MarketData) -> None:
    sizing = SizingPolicy(method="fixed_fractional", fraction=0.1)

    result = run_backtest(OrderThenCancel(), market, cash=CASH, sizing=sizing, path="callback")

    btc = 0.1 * CASH / market.open[6, 1]
    assert _filled(result) == {"SPY": [], "BTC": [pytest.approx(btc, rel=1e-12)]}
