"""Calendar aggregation of returns: the years x months table of the tearsheet heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def monthly_returns_table(returns: pd.Series[float]) -> pd.DataFrame:
    """Return compounded returns per calendar month: one row per year, columns 1..12.

    Months without a return are NaN. The index may hold timestamps (naive or
    timezone-aware; months are taken in the index's timezone) or dates.
    """
    if len(returns) == 0:
        return pd.DataFrame(columns=pd.RangeIndex(1, 13), dtype="float64")
    timestamps = pd.DatetimeIndex(pd.to_datetime(returns.index))
    growth = pd.Series(1.0 + returns.to_numpy(dtype="float64"), index=timestamps)
    monthly = growth.groupby([timestamps.year, timestamps.month]).prod() - 1.0
    table = monthly.unstack()
    table = table.reindex(columns=pd.RangeIndex(1, 13))
    table.index.name = "year"
    table.columns.name = "month"
    return table.astype("float64")


def yearly_returns(monthly_table: pd.DataFrame) -> pd.Series[float]:
    """Return each year's compounded return from its months in `monthly_returns_table`."""
    growth = (1.0 + monthly_table.fillna(0.0)).to_numpy(dtype="float64")
    return pd.Series(np.prod(growth, axis=1) - 1.0, index=monthly_table.index, dtype="float64")
