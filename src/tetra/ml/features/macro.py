"""Macro feature kinds: a series as it was known on each day, through its vintages.

A stored observation counts from its ``realtime_start`` (the day it was released or revised)
on. For each release day the series is replayed as FRED showed it that day: per observation
date the latest vintage released so far. A feature is computed from that snapshot (the latest
observation, or its change against an earlier one of the same snapshot) and holds until the
next release; on a decision day the last release on or before it applies, so on the day
before a release the feature still shows the previous value. Every symbol gets the same value.
"""

from __future__ import annotations

from bisect import insort

import numpy as np
import pandas as pd

from tetra.ml.features.kinds import FeatureContext, register_kind
from tetra.ml.features.spec import FeatureSetError, Param


def macro_level(context: FeatureContext, /, series: Param) -> np.ndarray:
    """The latest observation of `series` known on each day."""
    return _broadcast(context, _as_known(context, str(series), 0, "level"))


def macro_change(context: FeatureContext, /, series: Param, lag: Param) -> np.ndarray:
    """Latest observation minus the one `lag` observations earlier, as known on each day."""
    return _broadcast(context, _as_known(context, str(series), int(lag), "change"))


def macro_growth(context: FeatureContext, /, series: Param, lag: Param) -> np.ndarray:
    """Latest observation over the one `lag` observations earlier, minus 1 (12: year on year)."""
    return _broadcast(context, _as_known(context, str(series), int(lag), "growth"))


def _as_known(context: FeatureContext, series: str, lag: int, how: str) -> np.ndarray:
    """Return per decision day the feature of the series snapshot of its last release."""
    rows = _series_rows(context, series)
    released, values = _replay(rows, lag, how)
    if len(released) == 0:  # stored, but nothing released yet at these days
        return np.full(context.panel.shape[0], np.nan)
    days = context.panel.dates.astype("datetime64[us]")
    position = np.searchsorted(released, days, side="right") - 1
    known = np.where(position >= 0, values[np.maximum(position, 0)], np.nan)
    return np.asarray(known, dtype=np.float64)


def _series_rows(context: FeatureContext, series: str) -> pd.DataFrame:
    macro = context.inputs.macro
    rows = macro[macro["series_id"] == series]
    if rows.empty and series not in context.inputs.macro_series:
        known = ", ".join(sorted(context.inputs.macro_series)) or "none"
        raise FeatureSetError(
            f"macro series {series!r} is not in the store (known: {known}); "
            "run the pipeline's economic_data step (GPR series: its geopolitical step) "
            "or drop the feature"
        )
    return rows.sort_values(["realtime_start", "date"], kind="stable")


def _replay(rows: pd.DataFrame, lag: int, how: str) -> tuple[np.ndarray, np.ndarray]:
    """Walk the releases in order, keeping the latest vintage per observation date."""
    snapshot: dict[np.datetime64, float] = {}
    dates: list[np.datetime64] = []
    released: list[np.datetime64] = []
    values: list[float] = []
    starts = rows["realtime_start"].to_numpy(dtype="datetime64[us]")
    observed = rows["date"].to_numpy(dtype="datetime64[us]")
    numbers = rows["value"].to_numpy(dtype=np.float64)
    for i, start in enumerate(starts):
        if observed[i] not in snapshot:
            insort(dates, observed[i])
        snapshot[observed[i]] = numbers[i]
        if i + 1 < len(starts) and starts[i + 1] == start:
            continue  # the rest of this release day first
        released.append(start)
        values.append(_snapshot_value(snapshot, dates, lag, how))
    return np.array(released, dtype="datetime64[us]"), np.array(values, dtype=np.float64)


def _snapshot_value(
    snapshot: dict[np.datetime64, float], dates: list[np.datetime64], lag: int, how: str
) -> float:
    latest = snapshot[dates[-1]]
    if how == "level":
        return latest
    if len(dates) <= lag:
        return float("nan")
    earlier = snapshot[dates[-1 - lag]]
    if how == "change":
        return latest - earlier
    return latest / earlier - 1.0 if earlier else float("nan")


def _broadcast(context: FeatureContext, values: np.ndarray) -> np.ndarray:
    return np.repeat(values[:, None], context.panel.shape[1], axis=1)


register_kind("macro_level", macro_level)
register_kind("macro_change", macro_change)
register_kind("macro_growth", macro_growth)
