"""The reasoning of a recommendation, as data: the rule that fired, indicators, track record.

`explain` looks at one sleeve and one symbol at the session's row: the order the strategy
decided there (if any) and how it reads, the indicator values behind it with their
thresholds and where each sits in its own history (percentile over the sleeve's window),
and the strategy's record on that symbol in the same run (closed trades: hit rate,
average gain and loss; number of past signals). Indicators come from what the strategy
exposes: moving averages (`averages`), an oscillator with levels (`value_and_levels`),
else the symbol's 20-day return.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tetra.cycle.sleeves import Sleeve
from tetra.market import OrderKind, SizeKind

RETURN_DAYS = 20


@dataclass(frozen=True)
class Indicator:
    """One number behind a decision, its thresholds and its percentile in its history."""

    name: str
    value: float | None
    percentile: float | None
    thresholds: dict[str, float]


def explain(sleeve: Sleeve, n: int) -> dict[str, Any]:
    """Return the reasoning of sleeve `sleeve` for column `n` as JSON-ready data."""
    decision = _decision(sleeve, n)
    return {
        "strategy": sleeve.allocation.label,
        "described": sleeve.strategy.describe(),
        "rule": _rule(decision, sleeve.held[n], sleeve.targets[n]),
        "decision": decision,
        "indicators": [_indicator_data(i) for i in indicators(sleeve, n)],
        "track_record": track_record(sleeve, n),
    }


def _decision(sleeve: Sleeve, n: int) -> dict[str, Any] | None:
    rows = sleeve.result.decisions
    if rows is None or rows.size == 0:
        return None
    today = rows[(rows[:, 0] == sleeve.today) & (rows[:, 1] == n)]
    if today.size == 0:
        return None
    size, size_kind, kind = today[-1, 2], int(today[-1, 3]), int(today[-1, 4])
    return {
        "size": _number(size),
        "size_kind": SizeKind(size_kind).name.lower(),
        "order_kind": OrderKind(kind).name.lower(),
    }


def _rule(decision: dict[str, Any] | None, held: float, target: float) -> str:
    if decision is None:
        return "no new signal today: moves the book to the position the strategy holds"
    kind, size = decision["size_kind"], decision["size"]
    if kind == "target_shares" and size == 0:
        return "exit signal: close the position"
    if kind.startswith("target"):
        unit = {"target_shares": "units", "target_value": "of value", "target_percent": ""}
        amount = f"{size:.2%} of the sleeve" if kind == "target_percent" else f"{size:g}"
        return f"target signal: hold {amount} {unit[kind]}".rstrip()
    verb = "entry" if target > held else "reduce"
    return f"{verb} signal: {kind.replace('_', ' ')} order of {size:g}"


def indicators(sleeve: Sleeve, n: int) -> list[Indicator]:
    """Return the indicator values behind `sleeve`'s decision on column `n`."""
    strategy, market, t = sleeve.strategy, sleeve.result.market, sleeve.today
    if hasattr(strategy, "averages"):
        fast, slow = strategy.averages(market)
        spread = (fast[: t + 1, n] - slow[: t + 1, n]) / slow[: t + 1, n]
        return [
            _at("fast average", fast[: t + 1, n], {}),
            _at("slow average", slow[: t + 1, n], {}),
            _at("fast vs slow", spread, {"crosses at": 0.0}),
        ]
    if hasattr(strategy, "value_and_levels"):
        history = np.array([strategy.value_and_levels(i)[0][n] for i in range(t + 1)])
        levels = strategy.value_and_levels(t)[1]
        names = ("long entry", "long exit", "short entry", "short exit")
        thresholds = {name: _level(level, n) for name, level in zip(names, levels, strict=False)}
        return [_at(strategy.name.split("_")[0], history, thresholds)]
    close = market.close[: t + 1, n]
    change = (
        close[RETURN_DAYS:] / close[:-RETURN_DAYS] - 1 if len(close) > RETURN_DAYS else close[:0]
    )
    return [_at(f"{RETURN_DAYS}-day return", change, {})]


def track_record(sleeve: Sleeve, n: int) -> dict[str, Any]:
    """Return the strategy's closed trades on column `n` before the session, summarised."""
    symbol = sleeve.result.market.symbols[n]
    session = pd.Timestamp(sleeve.result.market.dates[sleeve.today])
    trades = sleeve.result.trades
    closed = trades[(trades["symbol"] == symbol) & (trades["exit_ts"] <= session)]
    pnl = closed["pnl"].to_numpy(dtype=np.float64)
    rows = sleeve.result.decisions
    signals = 0 if rows is None else int(((rows[:, 1] == n) & (rows[:, 0] < sleeve.today)).sum())
    gains, losses = pnl[pnl > 0], pnl[pnl <= 0]
    return {
        "signals": signals,
        "trades": len(pnl),
        "hit_rate": _number(len(gains) / len(pnl)) if len(pnl) else None,
        "average_gain": _number(gains.mean()) if len(gains) else None,
        "average_loss": _number(losses.mean()) if len(losses) else None,
    }


def _at(name: str, history: np.ndarray, thresholds: dict[str, float]) -> Indicator:
    if len(history) == 0 or not math.isfinite(history[-1]):
        return Indicator(name, None, None, thresholds)
    finite = history[np.isfinite(history)]
    percentile = float((finite <= history[-1]).mean() * 100.0)
    return Indicator(name, float(history[-1]), round(percentile, 1), thresholds)


def _level(level: np.ndarray | float, n: int) -> float:
    value = level[n] if isinstance(level, np.ndarray) else level
    return float(value)


def _indicator_data(indicator: Indicator) -> dict[str, Any]:
    return {
        "name": indicator.name,
        "value": _number(indicator.value),
        "percentile": indicator.percentile,
        "thresholds": {k: _number(v) for k, v in indicator.thresholds.items()},
    }


def _number(value: float | None) -> float | None:
    """Round for the report (JSON has no NaN): 6 significant decimals, None for non-finite."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.6g}")
