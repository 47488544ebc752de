"""The sample's earnings calendar: quarterly reports of its stocks, fictional but consistent.

Each stock reports about three to six weeks after each calendar quarter ends, on a weekday,
always before the open or always after the close; its EPS estimate grows slowly from a
level of its own and the actual beats or misses it by a few percent, revenue alike. The
numbers come from a generator seeded by the sample's seed and the symbol, so a symbol's
reports do not depend on which other symbols are loaded.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["EARNINGS_COLUMNS", "generate_earnings"]

EARNINGS_COLUMNS = (
    "symbol", "report_date", "fiscal_period", "time_of_day", "eps_estimate", "eps_actual",
    "revenue_estimate", "revenue_actual", "source",
)  # fmt: skip
_SATURDAY = 5


def generate_earnings(
    symbols: Sequence[str], first: dt.date, last: dt.date, seed: int, source: str
) -> pd.DataFrame:
    """Return the reports of `symbols` dated from `first` to `last`, by symbol and date."""
    rows = [row for symbol in sorted(symbols) for row in _reports(symbol, first, last, seed)]
    frame = pd.DataFrame.from_records(rows, columns=list(EARNINGS_COLUMNS[:-1]))
    return frame.assign(source=source)


def _reports(symbol: str, first: dt.date, last: dt.date, seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng([seed, zlib.crc32(symbol.encode())])
    level = float(rng.lognormal(0.0, 0.7))
    growth = float(rng.normal(0.015, 0.01))
    lag = int(rng.integers(21, 38))
    timing = "bmo" if rng.random() < 0.5 else "amc"
    revenue_per_eps = float(rng.uniform(2e9, 2e10))
    rows = []
    quarter_end, count = _quarter_end(first.year - 1, 4), 0
    while quarter_end <= last:
        count += 1
        report = _weekday(quarter_end + dt.timedelta(days=lag + int(rng.integers(0, 4))))
        estimate = round(level * (1 + growth) ** count, 2)
        beat, revenue_beat = rng.normal(0.03, 0.06), rng.normal(0.01, 0.02)
        if first <= report <= last:
            revenue = round(estimate * revenue_per_eps, -6)
            rows.append({
                "symbol": symbol, "report_date": report,
                "fiscal_period": f"{quarter_end.year}Q{(quarter_end.month - 1) // 3 + 1}",
                "time_of_day": timing, "eps_estimate": estimate,
                "eps_actual": round(estimate * (1 + beat), 2),
                "revenue_estimate": revenue,
                "revenue_actual": round(revenue * (1 + revenue_beat), -6),
            })  # fmt: skip
        quarter_end = _next_quarter_end(quarter_end)
    return rows


def _quarter_end(year: int, quarter: int) -> dt.date:
    following = dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return following - dt.timedelta(days=1)


def _next_quarter_end(day: dt.date) -> dt.date:
    return (
        _quarter_end(day.year, (day.month - 1) // 3 + 2)
        if day.month < 12
        else _quarter_end(day.year + 1, 1)
    )


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= _SATURDAY:
        day += dt.timedelta(days=1)
    return day
