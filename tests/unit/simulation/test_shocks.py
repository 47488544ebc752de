"""Event shocks as data: what each does to the bars, composition, halts and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sim_builders import ohlc_problems

from tetra.backtest.compiled import run_compiled
from tetra.backtest.engine import run_callbacks
from tetra.core.errors import ValidationError
from tetra.market import BarContext, MarketData, OrderArrays, SizeKind
from tetra.simulation.orders import Costs, Slippage
from tetra.simulation.shocks import (
    LiquidityDrought,
    MarketCrash,
    PriceGap,
    TradingHalt,
    VolatilitySpike,
    apply_shocks,
    parse_shock,
    shock_from_mapping,
    shock_to_mapping,
)


def candles(rows: list[tuple[float, float, float, float]], volume: float = 1_000.0) -> MarketData:
    """One symbol, XYZ, from (open, high, low, close) rows on consecutive weekdays."""
    bars = np.array(rows, dtype=np.float64)
    n = len(rows)
    dates = np.busday_offset(np.datetime64("2024-01-01"), np.arange(n), roll="forward")
    column = [bars[:, [i]] for i in range(4)]
    return MarketData(
        dates, ("XYZ",), *column, np.full((n, 1), volume), np.ones((n, 1)), np.zeros((n, 1))
    )


TABLE = candles(
    [
        (100, 101, 99, 100),
        (100, 102, 99, 101),
        (101, 103, 100, 102),  # halted
        (102, 104, 101, 103),  # halted
        (103, 105, 102, 104),  # halted
        (105, 107, 104, 106),  # reopening: first tradable bar
        (106, 108, 105, 107),
    ]
)
HALTED = apply_shocks(TABLE, [TradingHalt("XYZ", at=2, bars=3)])


def test_a_halt_removes_the_bars_and_the_reopening_carries_the_moves() -> None:
    assert np.isnan(HALTED.close[2:5, 0]).all()
    assert (HALTED.volume[2:5, 0] == 0).all()
    np.testing.assert_allclose(HALTED.open[5, 0], 105.0)  # the halted moves are in its gap
    np.testing.assert_allclose(HALTED.close[[0, 1, 5, 6], 0], [100, 101, 106, 107])


def test_orders_placed_before_and_during_a_halt_fill_at_the_first_bar_after_it() -> None:
    before = OrderArrays.of(
        np.array([[np.nan], [10.0], [np.nan], [np.nan], [np.nan], [np.nan], [np.nan]])
    )
    output = run_compiled(HALTED, before, cash=10_000.0)
    assert output.fills[:, [0, 2]].tolist() == [[5.0, 10.0]]  # bar, shares
    assert output.fills[0, 3] == pytest.approx(105.0, rel=1e-12)  # price: the reopening
    assert output.equity[3] == 10_000.0  # flat through the halt

    def buy_during_halt(bar: BarContext) -> None:
        if bar.t == 3:
            bar.order("XYZ", 5.0)

    output = run_callbacks(HALTED, buy_during_halt, cash=10_000.0)
    assert output.fills[:, [0, 2]].tolist() == [[5.0, 5.0]]
    assert output.fills[0, 3] == pytest.approx(105.0, rel=1e-12)


def test_a_held_position_is_marked_at_its_last_price_while_halted() -> None:
    held = OrderArrays.of(np.array([[10.0], *[[np.nan]] * 6]))
    output = run_compiled(HALTED, held, cash=10_000.0)
    assert output.fills[0, 3] == 100.0
    np.testing.assert_allclose(output.equity[1:5], 10_000.0 + 10 * (101 - 100))


def test_a_gap_moves_the_bar_and_every_later_bar() -> None:
    gapped = apply_shocks(TABLE, [PriceGap("XYZ", at=3, move=-0.1)])
    np.testing.assert_allclose(gapped.close[:3, 0], TABLE.close[:3, 0])
    np.testing.assert_allclose(gapped.close[3:, 0] / TABLE.close[3:, 0], 0.9)
    np.testing.assert_allclose(gapped.high[3:, 0] / TABLE.high[3:, 0], 0.9)


def test_a_crash_takes_the_market_down_by_its_drop_and_raises_correlation(
    panel: MarketData,
) -> None:
    crash = MarketCrash(at=100, days=10, drop=0.3, comovement=1.0)
    shocked = apply_shocks(panel, [crash])
    window = slice(100, 110)
    moves = np.diff(np.log(shocked.close), axis=0)[99:109]
    assert np.allclose(moves, moves[:, [0]])  # comovement 1: every symbol moves alike
    original = np.diff(np.log(panel.close), axis=0)[99:109].mean(axis=1)
    np.testing.assert_allclose(moves[:, 0].sum() - original.sum(), np.log(0.7))
    assert ohlc_problems(shocked) == 0
    assert shocked.close[window].shape == (10, 3)


def test_a_volatility_spike_multiplies_moves_around_their_mean(panel: MarketData) -> None:
    spiked = apply_shocks(panel, [VolatilitySpike(at=200, days=50, multiplier=3.0)])
    before = np.diff(np.log(panel.close), axis=0)[199:249].std(axis=0)
    after = np.diff(np.log(spiked.close), axis=0)[199:249].std(axis=0)
    np.testing.assert_allclose(after / before, 3.0, rtol=1e-9)
    assert ohlc_problems(spiked) == 0


def test_a_drought_divides_volume_and_multiplies_volume_share_slippage() -> None:
    dry = apply_shocks(TABLE, [LiquidityDrought(at=0, days=7, divisor=4)])
    np.testing.assert_allclose(dry.volume, TABLE.volume / 4)
    costs = Costs(slippage=Slippage(impact=0.1))
    order = OrderArrays.of(np.array([[10.0], *[[np.nan]] * 6]))
    normal = run_compiled(TABLE, order, cash=10_000.0, costs=costs).fills[0, 3] - 100.0
    drought = run_compiled(dry, order, cash=10_000.0, costs=costs).fills[0, 3] - 100.0
    assert drought == pytest.approx(4 * normal)


def test_shocks_compose_in_order_and_round_trip_as_data() -> None:
    shocks = [TradingHalt("XYZ", at=2, bars=3), PriceGap("XYZ", at=5, move=0.05)]
    both = apply_shocks(TABLE, shocks)
    np.testing.assert_allclose(both.open[5, 0], 105.0 * 1.05)
    for shock in shocks:
        assert shock_from_mapping(shock_to_mapping(shock)) == shock
    assert parse_shock("halt:symbol=XYZ,at=2,bars=3") == shocks[0]
    assert parse_shock("crash:at=1,days=2,drop=0.2,symbols=A+B").symbols == ("A", "B")


@pytest.mark.parametrize(
    ("shock", "message"),
    [
        (PriceGap("ABC", at=1, move=0.1), "names ABC, which is not among the symbols"),
        (TradingHalt("XYZ", at=70, bars=1), "starts at bar 70, outside the run's 7 bars"),
    ],
)
def test_shocks_that_do_not_fit_the_run_are_clear_errors(shock: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        apply_shocks(TABLE, [shock])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("earthquake:at=1", "unknown shock kind 'earthquake'"),
        ("gap:symbol=XYZ,at=x,move=0.1", "at='x' is not a valid int"),
        ("gap:symbol=XYZ,at=1,move=-1.5", "below zero"),
        ("crash:at=1,days=3,drop=2", "a fraction in"),
        ("halt:symbol=XYZ,at=1,bars=3,size=2", "has no field size"),
        ("halt:symbol=XYZ,at=1", "needs"),
        ("gap:symbol", "not name=value"),
    ],
)
def test_malformed_shocks_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_shock(text)


def test_the_unshocked_market_comes_back_unchanged() -> None:
    assert apply_shocks(TABLE, []) is TABLE
    same = apply_shocks(TABLE, [PriceGap("XYZ", at=6, move=0.0)])
    for field in ("open", "high", "low", "close"):
        assert np.array_equal(getattr(same, field), getattr(TABLE, field))  # bit for bit
    assert SizeKind.SHARES == 0
