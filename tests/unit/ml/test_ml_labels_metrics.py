"""Labels on a hand-made panel; per-day metrics against scipy; the causal panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.ml.labels import LabelKind, forward_returns, make_labels, triple_barrier
from tetra.ml.panel import build_panel
from tetra.ml.validation import daily_metrics, summarise


def market(
    close: np.ndarray, *, split: tuple[int, int, float] | None = None, band: float = 0.01
) -> MarketData:
    """Bars with open = previous close, high/low `band` around; optional (row, col, ratio) split."""
    days, symbols = close.shape
    open_ = np.vstack([close[:1], close[:-1]])
    ratio, dividend = np.ones(close.shape), np.zeros(close.shape)
    if split is not None:
        ratio[split[0], split[1]] = split[2]
    high, low = np.maximum(open_, close) * (1 + band), np.minimum(open_, close) * (1 - band)
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + days)
    names = tuple(f"S{n}" for n in range(symbols))
    return MarketData(
        dates, names, open_, high, low, close, np.full(close.shape, 1e6), ratio, dividend
    )


def test_forward_returns_run_from_the_next_open_to_the_open_h_days_later() -> None:
    close = np.array([[100.0], [110.0], [121.0], [133.1], [146.41]])
    panel = build_panel(market(close))

    returns = forward_returns(panel, 2)

    # opens are the previous closes: entry at open[1] = 100, exit at open[3] = 121
    assert returns[0, 0] == pytest.approx(0.21)
    assert returns[1, 0] == pytest.approx(0.21)
    assert np.isnan(returns[2:, 0]).all()


def test_excess_returns_subtract_the_benchmark_and_ranks_are_cross_sectional() -> None:
    close = np.cumprod(np.array([[1.0, 1.0, 1.0]] + [[1.01, 1.02, 0.99]] * 6), axis=0)
    panel = build_panel(market(close))

    excess = make_labels(panel, LabelKind.EXCESS_RETURN, 2, benchmark="S0")
    ranks = make_labels(panel, LabelKind.FORWARD_RANK, 2)

    assert excess[1, 0] == pytest.approx(0.0)
    assert excess[1, 1] > 0 > excess[1, 2]
    assert list(ranks[1]) == pytest.approx([2 / 3, 1.0, 1 / 3])


def test_triple_barrier_marks_which_barrier_the_path_touches_first() -> None:
    steps = np.array([1.0] * 25 + [1.05, 1.05, 1.05] + [1.0] * 5 + [0.9, 0.9] + [1.0] * 5)
    close = 100 * np.cumprod(steps)[:, None] * np.array([[1.0]])
    noisy = close * (1 + 0.001 * np.sin(np.arange(len(close))))[:, None]
    panel = build_panel(market(noisy, band=0.0))

    labels = triple_barrier(panel, 3, width=1.0)

    assert labels[23, 0] == 1.0  # the rise starting at row 25 hits the upper barrier
    assert labels[31, 0] == -1.0  # the fall at rows 33-34 hits the stop
    assert set(np.unique(labels[np.isfinite(labels)])) <= {-1.0, 0.0, 1.0}


def test_too_little_history_for_the_horizon_is_a_clear_error() -> None:
    panel = build_panel(market(np.full((5, 2), 100.0)))

    with pytest.raises(ValidationError, match="too little history for a 10-day horizon"):
        make_labels(panel, LabelKind.FORWARD_RETURN, 10)
    with pytest.raises(ValidationError, match="benchmark"):
        make_labels(panel, LabelKind.EXCESS_RETURN, 1, benchmark="SPY")


def test_forward_adjusted_prices_do_not_move_when_a_later_split_arrives() -> None:
    close = 100 * np.cumprod(np.full((30, 2), 1.001), axis=0)
    close[20:, 1] /= 4  # 4-for-1 split on day 20 of the second symbol
    full = build_panel(market(close, split=(20, 1, 4.0)))
    early = build_panel(market(close[:15]))

    assert np.array_equal(full.close[:15], early.close)
    assert full.close[20, 1] / full.close[19, 1] == pytest.approx(1.001)


def test_daily_ic_and_rank_ic_match_scipy_and_summaries_follow() -> None:
    rng = np.random.default_rng(3)
    predictions = rng.normal(size=(40, 12))
    forward = 0.3 * predictions + rng.normal(size=(40, 12))
    forward[5, :8] = np.nan  # four symbols only: too few, the day does not count

    daily = daily_metrics(predictions, forward)
    summary = summarise(daily, horizon=1)

    assert daily.loc[0, "ic"] == pytest.approx(stats.pearsonr(predictions[0], forward[0])[0])
    assert daily.loc[0, "rank_ic"] == pytest.approx(stats.spearmanr(predictions[0], forward[0])[0])
    assert np.isnan(daily.loc[5, "ic"])
    assert summary.days == 39
    assert summary.ic == pytest.approx(daily["ic"].mean())
    assert summary.icir == pytest.approx(daily["ic"].mean() / daily["ic"].std(ddof=1))
    assert summary.top_minus_bottom > 0
    assert pd.notna(summary.hit_rate)
