"""Declarative chart specs for query results: data, never code.

`suggest_chart` picks a line chart for a time axis, a bar chart for a text axis and a scatter
for two numeric columns; the web app draws the spec. A measure is charted before a count (the
average sentiment score, not the number of articles); a second text column with few values
splits bars into series (one per scoring method); lines on scales ten times apart or more are
rebased to 100 at their first value (`rebase`), so that a $600 ETF and a $90,000 coin can be
compared on one axis. A spec names only columns of the result
(`ChartSpec.check` verifies), so nothing in it can be executed or point elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pandas.api import types

__all__ = ["ChartKind", "ChartSpec", "suggest_chart"]

ChartKind = Literal["line", "bar", "scatter"]
_MAX_SERIES = 8
_MAX_BARS = 60
_REBASE_RATIO = 10.0  # lines whose typical levels differ by this factor share no axis
_UNITS = re.compile(r"volume|pct|percent|return|change|ratio|rate|yield|score|spread|count|^n$")
_COUNT = re.compile(
    r"(?:^|_)(?:n|count|counts|articles|rows|bars|observations|symbols|trades|stored|expected|"
    r"missing|dividends|splits)$"
)


@dataclass(frozen=True, slots=True)
class ChartSpec:
    kind: ChartKind
    x: str
    y: tuple[str, ...]
    series: str | None = None  # a column splitting rows into lines or bars (long format)
    title: str = field(default="")
    rebase: bool = False  # draw each line as 100 x value / its first value

    def check(self, columns: Sequence[str]) -> None:
        """Raise ValueError if the spec names a column the result does not have."""
        named = [self.x, *self.y] + ([self.series] if self.series else [])
        if missing := [c for c in named if c not in columns]:
            raise ValueError(f"the chart names columns the result lacks: {missing}")


def suggest_chart(frame: pd.DataFrame) -> ChartSpec | None:
    """Return a chart that fits `frame`, or None when a table says it better."""
    if len(frame) < 2 or frame.shape[1] < 2:
        return None
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    numeric = _measures_first([str(c) for c in frame.columns if _numeric(frame[c])])
    # A time column with one value (the start of every return, say) is a label, not an axis.
    temporal = [str(c) for c in frame.columns if _temporal(frame[c]) and _distinct(frame[c]) > 1]
    text = [
        str(c)
        for c in frame.columns
        if c not in numeric and c not in temporal and not _temporal(frame[c])
    ]
    if temporal and numeric:
        return _over_time(frame, temporal[0], numeric, text)
    if text and numeric and len(frame) <= _MAX_BARS:
        return _bars(frame, text, numeric[0])
    if len(numeric) >= 2:
        return ChartSpec("scatter", numeric[0], (numeric[1],))
    return None


def _measures_first(numeric: list[str]) -> list[str]:
    """Order numeric columns with measures before counts, each group in result order."""
    return sorted(numeric, key=lambda name: _COUNT.search(name.lower()) is not None)


def _bars(frame: pd.DataFrame, text: list[str], y: str) -> ChartSpec:
    labels = [c for c in text if _is_text(frame[c])]
    x = labels[0] if labels else text[0]
    series = next((c for c in labels[1:] if 1 < frame[c].nunique() <= _MAX_SERIES), None)
    if series is not None and frame.duplicated([x, series]).any():
        series = None  # more than one row per bar: the split would hide rows
    return ChartSpec("bar", x, (y,), series)


def _over_time(frame: pd.DataFrame, x: str, numeric: list[str], text: list[str]) -> ChartSpec:
    labels = [c for c in text if _is_text(frame[c])]
    series = next((c for c in labels if 1 < frame[c].nunique() <= _MAX_SERIES), None)
    if series is not None:
        medians = frame.groupby(series)[numeric[0]].median()
        return _rebased(ChartSpec("line", x, (numeric[0],), series), list(medians))
    columns = tuple(numeric[:_MAX_SERIES])
    # Columns of different units (a price and its volume) are not rebased onto one another.
    alike = len(columns) > 1 and not any(_UNITS.search(c.lower()) for c in columns)
    levels = [frame[c].median() for c in columns] if alike else []
    return _rebased(ChartSpec("line", x, columns), levels)


def _rebased(spec: ChartSpec, levels: Sequence[object]) -> ChartSpec:
    """Rebase lines whose typical positive levels are `_REBASE_RATIO` or more apart."""
    values = [float(v) for v in levels if isinstance(v, int | float) and v == v]
    if len(values) < 2 or min(values) <= 0 or max(values) / min(values) < _REBASE_RATIO:
        return spec
    return ChartSpec(
        spec.kind, spec.x, spec.y, spec.series, "Rebased to 100 at each line's first value", True
    )


def _distinct(column: pd.Series) -> int:
    return int(column.dropna().astype(str).nunique())


def _is_text(column: pd.Series) -> bool:
    # JSON columns arrive as lists or dicts: not labels, and they do not hash.
    return bool(column.dropna().map(lambda v: isinstance(v, str)).all())


def _numeric(column: pd.Series) -> bool:
    if types.is_bool_dtype(column):
        return False
    if types.is_numeric_dtype(column):
        return True
    # Decimal columns arrive as objects.
    sample = column.dropna().head(20)
    return len(sample) > 0 and all(isinstance(v, int | float) or _is_decimal(v) for v in sample)


def _is_decimal(value: object) -> bool:
    return type(value).__name__ == "Decimal"


def _temporal(column: pd.Series) -> bool:
    if types.is_datetime64_any_dtype(column):
        return True
    sample = column.dropna().head(20)
    return len(sample) > 0 and all(hasattr(v, "isoformat") for v in sample)
