"""Research results as rows of text, ready for any table renderer (the CLI uses Rich).

Percent-like metrics read as percentages, counts and ratios as plain numbers, missing
values as ``-``; nothing here prints.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from tetra.backtest.research.sweep import StrategyClass, rank
from tetra.reports.metrics import Metrics

Rows = list[tuple[str, ...]]

SHOWN_METRICS = (
    "total_return", "annual_return", "annual_volatility", "sharpe_ratio", "sortino_ratio",
    "max_drawdown", "number_of_trades", "open_trades", "unrealised_pnl", "win_rate",
    "profit_factor", "exposure", "turnover",
)  # fmt: skip
PERCENTS = frozenset(
    {"total_return", "annual_return", "annual_volatility", "max_drawdown", "win_rate", "exposure"}
)


def number(value: Any, name: str = "") -> str:
    """Format one value: percent for percent-like metric names, ``-`` when missing."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if name in PERCENTS:
            return f"{value:.2%}"
        return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"
    return str(value)


def strategy_rows(strategies: Mapping[str, StrategyClass]) -> Rows:
    """Return (name, parameters with defaults, first docstring line) per strategy, by name."""
    rows: Rows = []
    for name, cls in sorted(strategies.items()):
        fields = cls.Config.model_fields.items()
        text = ", ".join(f"{k}={'<required>' if f.is_required() else f.default}" for k, f in fields)
        rows.append((name, text, (cls.__doc__ or "").strip().split("\n")[0]))
    return rows


def metric_rows(metrics: Metrics) -> Rows:
    values = metrics.as_dict()
    return [(name, number(values[name], name)) for name in SHOWN_METRICS]


def trade_rows(trades: pd.DataFrame, last: int = 10) -> Rows:
    """Return the last `last` trades as (symbol, side, entry day, exit day or open, pnl).

    An open trade's P&L is its unrealised P&L at the run's last close, marked as such.
    """
    rows: Rows = []
    for trade in trades.tail(last).to_dict("records"):
        exit_ts = trade["exit_ts"]
        exit_day = "open" if pd.isna(exit_ts) else str(pd.Timestamp(exit_ts).date())
        entry_day = str(pd.Timestamp(trade["entry_ts"]).date())
        pnl = float(trade["pnl"])
        unrealised = float(trade.get("unrealised_pnl", math.nan))
        money = f"{pnl:,.2f}" if not math.isnan(pnl) else _unrealised_text(unrealised)
        rows.append((str(trade["symbol"]), str(trade["side"]), entry_day, exit_day, money))
    return rows


def _unrealised_text(unrealised: float) -> str:
    return "" if math.isnan(unrealised) else f"{unrealised:,.2f} unrealised"


def fold_rows(summary: pd.DataFrame) -> Rows:
    """Return walk-forward folds as (fold, train days, test days, params, IS, OOS)."""
    return [
        (
            str(row["fold"]),
            f"{row['train_first']} .. {row['train_last']}",
            f"{row['test_first']} .. {row['test_last']}",
            ", ".join(f"{k}={v}" for k, v in row["params"].items()),
            number(float(row["in_sample"])),
            number(float(row["out_of_sample"])),
        )
        for row in summary.to_dict("records")
    ]


def top_rows(frame: pd.DataFrame, metric: str, top: int) -> tuple[list[str], Rows]:
    """Return the sweep's column names and its best `top` rows by `metric`."""
    best = rank(frame, metric).head(top)
    columns = [str(c) for c in frame.columns]
    rows = [tuple(number(v, str(c)) for c, v in r.items()) for r in best.to_dict("records")]
    return columns, rows


def heatmap(frame: pd.DataFrame, rows: str, columns: str, metric: str) -> pd.DataFrame:
    """Return `metric` pivoted with one parameter down and the other across."""
    return frame.pivot_table(index=rows, columns=columns, values=metric, aggfunc="first")
