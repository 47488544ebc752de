"""Query results as JSON: cells, column kinds and chart specs."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math

import numpy as np
import pandas as pd
from pandas.api import types

from tetra.api.schemas.chat import ChartSpecModel, ColumnKind, JsonCell, ResultColumn
from tetra.chat.charts import ChartSpec

__all__ = ["chart_model", "json_columns", "json_rows"]


def json_columns(frame: pd.DataFrame) -> list[ResultColumn]:
    return [ResultColumn(name=str(c), type=_kind(frame[c])) for c in frame.columns]


def json_rows(frame: pd.DataFrame) -> list[list[JsonCell]]:
    columns = [frame[c].tolist() for c in frame.columns]
    return [[_cell(v) for v in row] for row in zip(*columns, strict=True)]


def chart_model(chart: ChartSpec | None) -> ChartSpecModel | None:
    if chart is None:
        return None
    return ChartSpecModel(
        kind=chart.kind,
        x=chart.x,
        y=list(chart.y),
        series=chart.series,
        title=chart.title,
        rebase=chart.rebase,
    )


def _kind(column: pd.Series) -> ColumnKind:
    if types.is_bool_dtype(column):
        return "boolean"
    if types.is_numeric_dtype(column):
        return "number"
    if types.is_datetime64_any_dtype(column):
        return "time"
    sample = column.dropna().head(20).tolist()
    if sample and all(isinstance(v, dt.date) for v in sample):
        return "time"
    if sample and all(isinstance(v, decimal.Decimal | int | float) for v in sample):
        return "number"
    return "text"


def _cell(value: object) -> JsonCell:
    """Return one result cell as JSON: lists, structs and maps become JSON text."""
    plain = _plain(value)
    if isinstance(plain, str | float | int | bool) or plain is None:
        return plain
    return json.dumps(plain, default=str)


def _plain(value: object) -> object:
    """Turn a driver's value into JSON-ready Python, nested lists and structs included."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return _iso(value)
    if isinstance(value, dt.timedelta | np.timedelta64):  # intervals
        return str(pd.Timedelta(value))
    if isinstance(value, np.ndarray | list | tuple):  # lists and arrays (DuckDB gives arrays)
        return [_plain(v) for v in value]
    if isinstance(value, dict):  # structs, maps and JSON columns
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):  # numpy scalars
        return _plain(value.item())
    return str(value)


def _iso(value: dt.date) -> str:
    """Midnight (daily bars) as a plain day; other times in UTC with a Z."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    aware = value.tzinfo is not None
    utc = value.astimezone(dt.UTC).replace(tzinfo=None) if aware else value
    if utc.time() == dt.time(0):
        return utc.date().isoformat()
    return utc.isoformat() + ("Z" if aware else "")
