"""Run plans: windows, steps, and the old scripts' variadic options."""

from __future__ import annotations

import datetime as dt

import pytest

from tetra.cli.pipeline import expand_variadic
from tetra.data.pipeline import Step, backfill_window, daily_window, select_steps
from tetra.data.sources import Window


def test_daily_window_is_today_plus_the_last_five_sessions() -> None:
    window = daily_window(dt.date(2024, 12, 2))  # a Monday after Thanksgiving week

    # Sessions before Dec 2: Nov 29 (half day), 27, 26, 25, 22; Thanksgiving is skipped.
    assert window == Window(dt.date(2024, 11, 22), dt.date(2024, 12, 2))


def test_backfill_window_from_days_or_dates() -> None:
    today = dt.date(2024, 3, 31)

    assert backfill_window(today, days=30) == Window(dt.date(2024, 3, 2), today)
    explicit = backfill_window(today, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    assert explicit == Window(dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def test_backfill_without_a_range_is_refused() -> None:
    with pytest.raises(ValueError, match="--days N or --start-date"):
        backfill_window(dt.date(2024, 3, 31))


def test_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Window(dt.date(2024, 2, 1), dt.date(2024, 1, 1))


def test_steps_keep_their_order_and_honour_skip_and_only() -> None:
    assert select_steps(skip=["news_sentiment", "event_data"]) == (
        Step.MARKET_DATA,
        Step.ECONOMIC_DATA,
        Step.CRYPTO,
        Step.GEOPOLITICAL,
        Step.SOCIAL,
        Step.CRYPTO_UNIVERSE,
        Step.DATA_QUALITY,
    )
    assert select_steps(only=["crypto", "market_data"]) == (Step.MARKET_DATA, Step.CRYPTO)


def test_unknown_step_names_list_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown steps \\['news'\\]; valid: market_data"):
        select_steps(skip=["news"])


def test_variadic_options_take_several_values_like_the_old_scripts() -> None:
    args = ["pipeline", "--skip-steps", "news_sentiment", "event_data", "--mode", "daily"]

    assert expand_variadic(args) == [
        "pipeline",
        "--skip-steps",
        "news_sentiment",
        "--skip-steps",
        "event_data",
        "--mode",
        "daily",
    ]
    assert expand_variadic(["--symbols", "SPY", "QQQ"]) == ["--symbols", "SPY", "--symbols", "QQQ"]
    assert expand_variadic(["--mode", "daily"]) == ["--mode", "daily"]
