"""Read the GPR daily workbook into observations: one row per day and series."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Hashable, Mapping

import pandas as pd

from tetra.adapters.sources.gpr.config import GPR_SERIES, SOURCE
from tetra.core.errors import MalformedPayload
from tetra.data.sources import RawRecord

REQUIRED = ("DAY", *GPR_SERIES)


def read_workbook(content: bytes) -> pd.DataFrame:
    """Return the first sheet of the workbook, or raise `MalformedPayload` saying why."""
    try:
        sheet = pd.read_excel(io.BytesIO(content), sheet_name=0, engine="calamine")
    except Exception as error:  # the reader raises several unrelated types for a bad file
        raise MalformedPayload(SOURCE, f"not a readable .xls workbook ({error})", "") from error
    missing = [c for c in REQUIRED if c not in sheet.columns]
    if missing:
        raise MalformedPayload(
            SOURCE, f"workbook lacks columns {missing}", str(list(sheet.columns))
        )
    return sheet


def observations(
    sheet: pd.DataFrame, start: dt.date, end: dt.date
) -> tuple[list[tuple[str, dt.date, float]], list[RawRecord]]:
    """Return (series, day, value) for days in [start, end] and the rows that are unreadable."""
    found: list[tuple[str, dt.date, float]] = []
    bad: list[RawRecord] = []
    for record in sheet[list(REQUIRED)].to_dict("records"):
        try:
            day = _day(record["DAY"])
        except ValueError as error:
            bad.append(RawRecord(str(error), _plain(record)))
            continue
        if not start <= day <= end:
            continue
        for series in GPR_SERIES:
            value = record[series]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue  # the file leaves days without articles blank
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                bad.append(
                    RawRecord(f"{series} {value!r} is not a non-negative number", _plain(record))
                )
                continue
            found.append((series, day, float(value)))
    return found, bad


def _day(value: object) -> dt.date:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"DAY {value!r} is not YYYYMMDD") from None


def _plain(record: Mapping[Hashable, object]) -> dict[str, object]:
    return {
        str(k): (None if isinstance(v, float) and math.isnan(v) else str(v))
        for k, v in record.items()
    }
