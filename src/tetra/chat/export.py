"""Query results as files: CSV, and Excel through openpyxl, written batch by batch.

`ExportWriter` takes the rows in frames as the executor streams them (`run_batches`), so an
export of a million rows never holds them all in memory; `export_frame` writes one frame.
Text cells that would start a formula are prefixed with a quote in both formats.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import IO, Literal

import numpy as np
import openpyxl  # type: ignore[import-untyped]
import pandas as pd
from pandas.api import types

__all__ = ["EXCEL_MAX_ROWS", "MEDIA_TYPES", "ExportFormat", "ExportWriter", "export_frame"]

ExportFormat = Literal["csv", "xlsx"]

MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXCEL_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header
_EXCEL_CELL_CHARS = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportWriter:
    """Writes frames with the same columns into one CSV or XLSX file, header first."""

    def __init__(self, destination: IO[bytes], format: ExportFormat) -> None:
        self.destination, self.format = destination, format
        self.rows = 0
        self._header_written = False
        self._text = io.TextIOWrapper(destination, encoding="utf-8", newline="", write_through=True)
        self._book = openpyxl.Workbook(write_only=True) if format == "xlsx" else None
        self._sheet = self._book.create_sheet("result") if self._book is not None else None

    def add(self, frame: pd.DataFrame) -> None:
        """Append the rows of `frame` (the first frame's columns name the header)."""
        safe = _defused(frame)
        if self._sheet is None:
            safe.to_csv(self._text, header=not self._header_written, index=False)
        else:
            if not self._header_written:
                self._sheet.append([str(c) for c in safe.columns])
            for row in safe.itertuples(index=False, name=None):
                self._sheet.append([_excel_value(v) for v in row])
        self._header_written = True
        self.rows += len(frame)

    def close(self) -> None:
        """Finish the file (an Excel workbook is written out here)."""
        self._text.flush()
        self._text.detach()
        if self._book is not None:
            self._book.save(self.destination)


def export_frame(frame: pd.DataFrame, format: ExportFormat) -> bytes:
    """Return `frame` as a CSV (UTF-8) or XLSX file; text cells cannot start a formula."""
    buffer = io.BytesIO()
    writer = ExportWriter(buffer, format)
    writer.add(frame)
    writer.close()
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


def _excel_value(value: object) -> object:
    """Return a value openpyxl writes: naive UTC datetimes, Python numbers, None for gaps."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        stamp = value.tz_convert("UTC").tz_localize(None) if value.tzinfo else value
        return stamp.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.timedelta | list | dict | tuple | bytes):
        return str(value)
    return value
