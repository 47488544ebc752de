"""Real daily bars in the public domain, for golden tests: `bokeh_sampledata` stocks.

The package (a test dependency) ships daily OHLCV from the Quandl WIKI set, declared public
domain: AAPL, IBM and MSFT from 2000-03-01 and GOOG from 2004-08-19, all to 2013-03-01.
Prices are as traded (unadjusted); the package's ``adj_close`` is not used.
"""

from __future__ import annotations

import importlib

import pandas as pd

PUBLIC_SOURCE = "bokeh_sampledata"
PUBLIC_SYMBOLS = ("AAPL", "GOOG", "IBM", "MSFT")


def bokeh_bars(symbols: tuple[str, ...] = PUBLIC_SYMBOLS) -> pd.DataFrame:
    """Return the public-domain daily bars of `symbols` as ``market_data.ohlcv`` rows."""
    try:
        stocks = importlib.import_module("bokeh_sampledata.stocks")
    except ImportError as error:
        raise ImportError("install the test extras: pip install 'tetra[test]'") from error
    frames = [_frame(symbol, getattr(stocks, symbol)) for symbol in symbols]
    return pd.concat(frames, ignore_index=True)


def _frame(symbol: str, columns: dict[str, list[object]]) -> pd.DataFrame:
    frame = pd.DataFrame({name: columns[name] for name in ("open", "high", "low", "close")})
    return frame.assign(
        symbol=symbol,
        interval="1d",
        ts=pd.to_datetime(pd.Series(columns["date"]), utc=True),
        volume=pd.Series(columns["volume"], dtype="float64"),
        source=PUBLIC_SOURCE,
    )
