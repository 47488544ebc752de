"""Declarative chart specs for query results: data, never code.

`suggest_chart` picks a line chart for a time axis, a bar chart for a text axis and a scatter
for two numeric columns; the web app draws the spec. A spec names only columns of the result
(`ChartSpec.check` verifies), so nothing in it can be executed or point elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pandas.api import types

__all__ = ["ChartKind", "ChartSpec", "suggest_chart"]

ChartKind = Literal["line", "bar", "scatter"]
_MAX_SERIES = 8
_MAX_BARS = 60


@dataclass(frozen=True, slots=True)
class ChartSpec:
    kind: ChartKind
    x: str
    y: tuple[str, ...]
    series: str | None = None  # a column splitting rows into lines (long format)
    title: str = field(default="")

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
    numeric = [str(c) for c in frame.columns if _numeric(frame[c])]
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
        return ChartSpec("bar", text[0], (numeric[0],))
    if len(numeric) >= 2:
        return ChartSpec("scatter", numeric[0], (numeric[1],))
    return None


def _over_time(frame: pd.DataFrame, x: str, numeric: list[str], text: list[str]) -> ChartSpec:
    labels = [c for c in text if _is_text(frame[c])]
    series = next((c for c in labels if 1 < frame[c].nunique() <= _MAX_SERIES), None)
    if series is not None:
        return ChartSpec("line", x, (numeric[0],), series)
    return ChartSpec("line", x, tuple(numeric[:_MAX_SERIES]))


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
