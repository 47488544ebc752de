"""ConditionalStrategy: entries pass only where the condition holds; exits always pass."""

from __future__ import annotations

from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.strategy.conditions import DayOfWeek
from tetra.strategy.library import ConditionalStrategy, MovingAverageCrossover, RsiReversion

# RSI(2) decisions: entry at row 2 (Wed Jan 3), exit at row 4 (Fri Jan 5), entry at row 6
# (Tue Jan 9).
RSI_MARKET = table(AAA=[10.0, 9.0, 8.0, 9.0, 10.0, 10.0, 8.0, 8.0])


def test_entries_on_bars_where_the_condition_fails_are_dropped() -> None:
    strategy = ConditionalStrategy(RsiReversion(period=2), when=DayOfWeek(1))

    result = run_both(strategy, RSI_MARKET)

    assert fills(result) == [("2024-01-10", "AAA", 1250.0, 8.0)]


def test_exits_pass_even_where_the_condition_fails() -> None:
    strategy = ConditionalStrategy(RsiReversion(period=2), when=DayOfWeek(2))

    result = run_both(strategy, RSI_MARKET)

    assert fills(result) == [
        ("2024-01-04", "AAA", 1250.0, 8.0),
        ("2024-01-08", "AAA", -1250.0, 10.0),
    ]


def test_the_wrapper_keeps_the_paths_and_describes_both_parts() -> None:
    strategy = ConditionalStrategy(RsiReversion(period=2), when=DayOfWeek(2))

    assert strategy.compiled
    assert strategy.per_bar
    assert strategy.describe().startswith("rsi_reversion(")
    assert strategy.describe().endswith(" when weekday in [2]")


def test_a_strategy_placing_its_own_per_bar_orders_is_gated_the_same_way() -> None:
    # The crossover enters at rows 4 (Fri Jan 5) and 10 (Mon Jan 15), exits at row 7.
    market = table(AAA=[10.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 8.0, 9.0, 10.0, 11.0])
    inner = MovingAverageCrossover(fast=2, slow=3, allocation=5_000.0)
    strategy = ConditionalStrategy(inner, when=~DayOfWeek(4))

    result = run_both(strategy, market)

    assert len(fills(run_both(inner, market))) == 3
    assert fills(result) == [("2024-01-16", "AAA", 500.0, 10.0)]
    assert_no_look_ahead(strategy, market)
