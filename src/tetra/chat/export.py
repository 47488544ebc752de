"""Query results as files: CSV, and Excel through openpyxl."""

from __future__ import annotations

import io
from typing import Literal

import pandas as pd
from pandas.api import types

__all__ = ["MEDIA_TYPES", "ExportFormat", "export_frame"]

ExportFormat = Literal["csv", "xlsx"]

MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_EXCEL_CELL_CHARS = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_frame(frame: pd.DataFrame, format: ExportFormat) -> bytes:
    """Return `frame` as a CSV (UTF-8) or XLSX file; text cells cannot start a formula."""
    safe = _defused(frame)
    if format == "csv":
        return safe.to_csv(index=False).encode("utf-8")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _timezone_naive(safe).to_excel(writer, index=False, sheet_name="result")
    return buffer.getvalue()


def _defused(frame: pd.DataFrame) -> pd.DataFrame:
    # Stored text is third-party (news titles): a cell like =HYPERLINK(...) must stay text
    # in a spreadsheet (OWASP's CSV injection advice: prefix with a quote).
    out = frame.copy()
    for column in out.columns:
        if types.is_object_dtype(out[column]) or types.is_string_dtype(out[column]):
            out[column] = out[column].map(_defuse_cell)
    return out


def _defuse_cell(value: object) -> object:
    if isinstance(value, str):
        text = value[:_EXCEL_CELL_CHARS]
        return "'" + text if text.startswith(_FORMULA_START) else text
    return value


def _timezone_naive(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out
