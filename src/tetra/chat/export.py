"""Query results as files: CSV, and Excel through openpyxl, written batch by batch.

`ExportWriter` takes the rows in frames as the executor streams them (`run_batches`), so an
export of a million rows never holds them all in memory; `export_frame` writes one frame.
Text cells that would start a formula are prefixed with a quote in both formats; timestamps
are written in UTC without an offset.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import pickle
import tempfile
from typing import IO, Literal

import numpy as np
import openpyxl  # type: ignore[import-untyped]
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from pandas.api import types

__all__ = [
    "EXCEL_MAX_ROWS",
    "MEDIA_TYPES",
    "ExportFormat",
    "ExportWriter",
    "StagedFrames",
    "export_frame",
]

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
            self._add_csv(safe)
        else:
            if not self._header_written:
                self._sheet.append([str(c) for c in safe.columns])
            for row in safe.itertuples(index=False, name=None):
                self._sheet.append([_excel_value(v) for v in row])
        self._header_written = True
        self.rows += len(frame)

    def _add_csv(self, frame: pd.DataFrame) -> None:
        # Arrow's C++ writer: pandas formats numbers and timestamps in Python, ten times slower,
        # which a million-row export would spend inside the query's time limit.
        if not self._header_written:
            csv.writer(self._text, lineterminator="\n").writerow([str(c) for c in frame.columns])
        if len(frame) == 0:
            return
        table = pa.Table.from_pandas(_csv_ready(frame), preserve_index=False)
        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        pa_csv.write_csv(table, self.destination, options)

    def close(self) -> None:
        """Finish the file (an Excel workbook is written out here)."""
        self._text.flush()
        self._text.detach()
        if self._book is not None:
            self._book.save(self.destination)


class StagedFrames:
    """Frames kept in a temporary file, to be written out after the query has finished.

    An Excel workbook is written far slower than a query streams its rows: staging them lets
    the query finish inside its time limit, and the workbook be written afterwards, one frame
    in memory at a time. The file is our own, written and read back by this process only.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by replay_into or close

    def add(self, frame: pd.DataFrame) -> None:
        pickle.dump(frame, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def replay_into(self, writer: ExportWriter) -> None:
        """Hand every staged frame to `writer`, in order, then delete the file."""
        self._file.seek(0)
        try:
            while True:
                try:
                    frame = pickle.load(self._file)
                except EOFError:
                    return
                writer.add(frame)
        finally:
            self.close()

    def close(self) -> None:
        self._file.close()


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
            out[column] = _defuse_column(out[column])
    return out


def _defuse_column(values: pd.Series) -> pd.Series:
    try:
        text = values.str.slice(0, _EXCEL_CELL_CHARS)  # NaN where a value is not text
    except AttributeError:  # no text at all (every value None, say)
        return values
    is_text = text.notna()
    risky = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
    out = values.astype(object).where(~is_text, text.astype(object))
    return out.where(~risky, "'" + text.astype(object).where(risky, ""))


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with timestamps as naive UTC (days alone when all fall at midnight)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        if types.is_datetime64_dtype(values.dtype):
            midnight = values.isna() | (values == values.dt.normalize())
            values = values.dt.date if bool(midnight.all()) else values.astype("datetime64[s]")
        elif types.is_object_dtype(values.dtype):
            values = values.map(_text_or_none)
        out[column] = values
    return out


def _text_or_none(value: object) -> object:
    # Arrow needs one type per column; the chat's object columns hold text, or JSON values.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


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
