"""yfinance frames -> catalog rows: pure functions, no I/O.

With ``auto_adjust=False`` Yahoo's Open/High/Low/Close and Volume are adjusted for every
split up to the day of the download (``Adj Close``, also dividend-adjusted, is not used), and
so are its dividends. Tetra stores raw prices, so `split_factors` computes, for each day, the
product of the split ratios of the *later* days in the frame, and:

- raw price    = Yahoo's price    x factor
- raw volume   = Yahoo's volume   / factor
- raw dividend = Yahoo's dividend x factor (the cash per share held on the ex-date)

That is exact only if the frame reaches up to today, so the adapter downloads from the
window's start to today and trims to the window here. ``Stock Splits`` (a ratio, 10.0 for
10-for-1, 0.1 for 1-for-10) and ``Dividends`` become corporate-action rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tetra.adapters.sources.yfinance.config import SOURCE
from tetra.data.migrations import table
from tetra.data.sources import RawRecord, Window

OHLCV_COLUMNS = table("market_data.ohlcv").column_names
ACTION_COLUMNS = table("market_data.corporate_actions").column_names
BAR_FIELDS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Volume": "volume"}
PRICE_FIELDS = ("Open", "High", "Low", "Close")


def ticker_history(frame: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Return one ticker's columns of a download, without the rows where it has no data.

    A download of several tickers holds every ticker's dates; a ticker's missing days (and
    a whole unknown ticker) are all-NaN rows there, dropped here.
    """
    if isinstance(frame.columns, pd.MultiIndex):
        level = "Ticker" if "Ticker" in frame.columns.names else 1
        if ticker not in frame.columns.get_level_values(level):
            return pd.DataFrame()
        picked = frame.xs(ticker, axis=1, level=level)
        frame = picked if isinstance(picked, pd.DataFrame) else picked.to_frame()
    return frame.dropna(how="all").sort_index()


def split_factors(history: pd.DataFrame) -> pd.Series:
    """Return, per row, the product of the split ratios of all later rows (1.0 without any)."""
    if "Stock Splits" not in history.columns:
        return pd.Series(1.0, index=history.index)
    ratios = pd.to_numeric(history["Stock Splits"], errors="coerce")
    ratios = ratios.where(ratios > 0, 1.0)
    through_end = ratios[::-1].cumprod()[::-1]
    return through_end / ratios


def session_stamps(index: pd.Index) -> pd.DatetimeIndex:
    """Return midnight UTC of each row's session date (Yahoo's daily index is the local date)."""
    dates = pd.DatetimeIndex(index)
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    return dates.normalize().tz_localize("UTC")


def parse_bars(
    history: pd.DataFrame, symbol: str, window: Window
) -> tuple[pd.DataFrame, list[RawRecord]]:
    """Return raw ``market_data.ohlcv`` rows of `window`, and the days that cannot be read."""
    inside = _in_window(history.index, window)
    days = history[inside]
    factors = split_factors(history)[inside]
    numbers = days.reindex(columns=list(BAR_FIELDS)).apply(pd.to_numeric, errors="coerce")
    no_bar = numbers.isna().all(axis=1).to_numpy()  # a dividend-only day, or another ticker's
    unreadable = numbers.isna().any(axis=1).to_numpy() & ~no_bar
    unparsed = [
        _raw_record(days.iloc[i], numbers.iloc[i], symbol) for i in np.flatnonzero(unreadable)
    ]
    good = ~no_bar & ~unreadable
    return _bar_rows(numbers[good], factors[good], symbol), unparsed


def parse_actions(
    history: pd.DataFrame, symbol: str, window: Window
) -> tuple[pd.DataFrame, list[RawRecord]]:
    """Return split and (un-adjusted) dividend rows with ex-dates in `window`."""
    inside = _in_window(history.index, window)
    days = history[inside]
    factors = split_factors(history)[inside].to_numpy()
    rows: list[dict[str, object]] = []
    unparsed: list[RawRecord] = []
    for position in range(len(days)):
        row = days.iloc[position]
        try:
            rows += _action_rows(row, float(factors[position]), symbol)
        except ValueError as why:
            key = f"{symbol}/{_day(row).date()}"
            unparsed.append(RawRecord(str(why), _plain_row(row), key))
    return actions_frame(rows), unparsed


def actions_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Return corporate-action rows with the catalog's columns and dtypes (also when empty)."""
    frame = pd.DataFrame(rows, columns=list(ACTION_COLUMNS))
    floats = ["split_from", "split_to", "cash_amount"]
    frame[floats] = frame[floats].astype("float64")
    # Columns no row filled would be float NaN, which Arrow cannot cast to a date.
    others = ["currency", "pay_date", "record_date", "declaration_date"]
    frame[others] = frame[others].astype(object).where(frame[others].notna(), None)
    return frame


def _bar_rows(numbers: pd.DataFrame, factors: pd.Series, symbol: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "symbol": symbol,
            "interval": "1d",
            "ts": session_stamps(numbers.index),
            **{
                BAR_FIELDS[name]: numbers[name].to_numpy() * factors.to_numpy()
                for name in PRICE_FIELDS
            },
            "volume": numbers["Volume"].to_numpy() / factors.to_numpy(),
            "vwap": float("nan"),
            "trades": pd.array([None] * len(numbers), dtype="Int64"),
            "source": SOURCE,
        },
        index=range(len(numbers)),
    )
    return frame[list(OHLCV_COLUMNS)]


def _action_rows(row: pd.Series, factor: float, symbol: str) -> list[dict[str, object]]:
    base = {"symbol": symbol, "ex_date": _day(row).date(), "source": SOURCE}
    rows: list[dict[str, object]] = []
    ratio = _cell(row, "Stock Splits")
    if ratio:
        rows.append({**base, "action": "split", **_split_sides(ratio)})
    cash = _cell(row, "Dividends")
    if cash:
        rows.append({**base, "action": "dividend", "cash_amount": cash * factor})
    return rows


def _split_sides(ratio: float) -> dict[str, float]:
    """Return split_from/split_to of a Yahoo ratio: 10.0 -> 1 to 10, 0.1 -> 10 to 1."""
    if ratio <= 0:
        raise ValueError(f"'Stock Splits' is not a positive ratio: {ratio!r}")
    if ratio >= 1:
        return {"split_from": 1.0, "split_to": ratio}
    return {"split_from": round(1 / ratio, 6), "split_to": 1.0}


def _cell(row: pd.Series, name: str) -> float:
    """Return a numeric action cell; absent or NaN is 0 (no action that day)."""
    value = row.get(name)
    if value is None:
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"'{name}' is not a number: {value!r}") from None
    return 0.0 if math.isnan(number) else number


def _in_window(index: pd.Index, window: Window) -> np.ndarray:
    dates = session_stamps(index).date
    mask: np.ndarray = (dates >= window.start) & (dates <= window.end)
    return mask


def _day(row: pd.Series) -> pd.Timestamp:
    return session_stamps(pd.Index([row.name]))[0]


def _raw_record(row: pd.Series, numbers: pd.Series, symbol: str) -> RawRecord:
    bad = [name for name in BAR_FIELDS if pd.isna(numbers[name])]
    reason = f"missing or not a number: {', '.join(bad)}"
    return RawRecord(reason, _plain_row(row), f"{symbol}/1d/{_day(row).date()}")


def _plain_row(row: pd.Series) -> dict[str, object]:
    """Return a row as JSON-friendly values (NaN -> None), with its date, for the quarantine."""
    plain: dict[str, object] = {"Date": _day(row).date().isoformat()}
    for name, value in row.items():
        plain[str(name)] = None if _is_missing(value) else _scalar(value)
    return plain


def _scalar(value: object) -> object:
    item = getattr(value, "item", None)
    plain = item() if callable(item) else value
    return plain if isinstance(plain, int | float | str | bool) else str(plain)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
