"""Number formats and metric labels shared by the tearsheet and its charts."""

from __future__ import annotations

import math
from collections.abc import Callable

MISSING = "–"

Format = Callable[[float], str]


def percent(value: float) -> str:
    """Format a fraction as a percent with two decimals (0.0512 -> '5.12%')."""
    return _special(value) or f"{value * 100:.2f}%"


def short_percent(value: float) -> str:
    """Format a fraction as a percent with one decimal, for heatmap cells and axes."""
    return _special(value) or f"{value * 100:.1f}%"


def ratio(value: float) -> str:
    """Format a ratio with two decimals."""
    return _special(value) or f"{value:.2f}"


def count(value: float) -> str:
    """Format a whole number with thousands separators."""
    return _special(value) or f"{value:,.0f}"


def number(value: float) -> str:
    """Format a quantity, price or amount: two decimals, more significant digits below 1."""
    special = _special(value)
    if special:
        return special
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1.0 else f"{value:.4g}"


def compact(value: float) -> str:
    """Format an axis value briefly: 1.25M, 950k, 12.5."""
    special = _special(value)
    if special:
        return special
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / threshold:.3g}{suffix}"
    return f"{value:.3g}"


def _special(value: float) -> str:
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return ""


# (field of Metrics, label, format), in display order, split into the two tables.
RETURN_METRICS: tuple[tuple[str, str, Format], ...] = (
    ("total_return", "Total return", percent),
    ("annual_return", "Annual return (CAGR)", percent),
    ("annual_volatility", "Annual volatility", percent),
    ("sharpe_ratio", "Sharpe ratio", ratio),
    ("sortino_ratio", "Sortino ratio", ratio),
    ("calmar_ratio", "Calmar ratio", ratio),
    ("max_drawdown", "Max drawdown", percent),
    ("max_drawdown_duration", "Max drawdown duration (bars)", count),
    ("alpha", "Alpha (annualised)", percent),
    ("beta", "Beta", ratio),
)
TRADE_METRICS: tuple[tuple[str, str, Format], ...] = (
    ("number_of_trades", "Closed trades", count),
    ("open_trades", "Open trades", count),
    ("unrealised_pnl", "Unrealised P&L of open trades", number),
    ("win_rate", "Win rate", percent),
    ("profit_factor", "Profit factor", ratio),
    ("expectancy", "Expectancy per trade", number),
    ("expectancy_return", "Expectancy (% of entry value)", percent),
    ("average_win", "Average win", number),
    ("average_loss", "Average loss", number),
    ("payoff_ratio", "Average win / average loss", ratio),
    ("exposure", "Exposure (share of bars)", percent),
    ("turnover", "Turnover (annualised)", ratio),
)
