"""RSI and Bollinger mean reversion: per-symbol states, TARGET_PERCENT on each change."""

from __future__ import annotations

import numpy as np
import pydantic
import pytest
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.indicators import rsi
from tetra.strategy.library import BollingerReversion, RsiReversion

# RSI(2), Wilder: NaN, NaN, 0, 50, 75, 75, 15, 15.
RSI_MARKET = table(AAA=[10.0, 9.0, 8.0, 9.0, 10.0, 10.0, 8.0, 8.0])
# Bollinger(3, 1 deviation): row 4 closes at 7 under the lower band 9 - sqrt(2); row 6
# closes at 9, above both the middle band 8 and the upper band 8 + sqrt(2/3).
BOLLINGER_MARKET = table(AAA=[10.0, 10.0, 10.0, 10.0, 7.0, 8.0, 9.0, 10.0, 10.0])


def test_the_rsi_table_reads_as_commented() -> None:
    values = rsi(RSI_MARKET.close[:, 0], 2)

    np.testing.assert_allclose(values[2:], [0.0, 50.0, 75.0, 75.0, 15.0, 15.0])


def test_rsi_buys_below_lower_and_sells_above_upper() -> None:
    result = run_both(RsiReversion(period=2), RSI_MARKET)

    assert fills(result) == [
        ("2024-01-04", "AAA", 1250.0, 8.0),
        ("2024-01-08", "AAA", -1250.0, 10.0),
        ("2024-01-10", "AAA", 1562.0, 8.0),
    ]


def test_rsi_with_shorts_reverses_straight_to_the_other_side() -> None:
    result = run_both(RsiReversion(period=2, short=True), RSI_MARKET)

    # Row 4 (RSI 75): from +1250 to -1250 shares at 10; row 6 (RSI 15): to +1875 at 8
    # (equity 25,000 - 1,250 x 8 = 15,000).
    assert fills(result) == [
        ("2024-01-04", "AAA", 1250.0, 8.0),
        ("2024-01-08", "AAA", -2500.0, 10.0),
        ("2024-01-10", "AAA", 3125.0, 8.0),
    ]


def test_allocation_sizes_each_position_as_a_fraction_of_equity() -> None:
    market = table(AAA=RSI_MARKET.close[:, 0].tolist(), BBB=[5.0] * 8)

    result = run_both(RsiReversion(period=2, allocation=0.25), market)

    assert fills(result)[0] == ("2024-01-04", "AAA", 312.0, 8.0)


def test_bollinger_buys_below_the_lower_band_and_exits_at_the_middle() -> None:
    result = run_both(BollingerReversion(period=3, deviations=1.0), BOLLINGER_MARKET)

    assert fills(result) == [
        ("2024-01-08", "AAA", 1428.0, 7.0),
        ("2024-01-10", "AAA", -1428.0, 9.0),
    ]


def test_bollinger_with_shorts_sells_above_the_upper_band() -> None:
    result = run_both(BollingerReversion(period=3, deviations=1.0, short=True), BOLLINGER_MARKET)

    # Row 6 closes above the upper band: from +1,428 straight to -12,856 / 9 = -1,428.4 shares.
    assert fills(result) == [
        ("2024-01-08", "AAA", 1428.0, 7.0),
        ("2024-01-10", "AAA", -2856.0, 9.0),
    ]


@pytest.mark.parametrize(
    ("strategy", "params"),
    [
        (RsiReversion, {"lower": 70, "upper": 30}),
        (RsiReversion, {"lower": 50, "upper": 50}),
        (RsiReversion, {"period": 1}),
        (RsiReversion, {"upper": 100}),
        (RsiReversion, {"allocation": 0}),
        (RsiReversion, {"allocation": 1.5}),
        (BollingerReversion, {"period": -3}),
        (BollingerReversion, {"deviations": 0}),
    ],
)
def test_invalid_configs_are_rejected(strategy: type, params: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        strategy(**params)


def test_mean_reversion_does_not_look_ahead() -> None:
    assert_no_look_ahead(RsiReversion(period=2, short=True), RSI_MARKET)
    assert_no_look_ahead(BollingerReversion(period=3, deviations=1.0), BOLLINGER_MARKET)
