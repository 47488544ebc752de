"""What a market model calibrates on: the symbols' common daily history, as log moves.

`history_of` takes the panel a store returned (`MarketData`, ideally total-return adjusted
so that splits and dividends are not mistaken for moves) and keeps the rows every symbol
trades on, inside the span where all of them have bars (a late listing shortens it; the
span is reported). Crypto's weekend moves therefore land in Monday's return when equities
are in the mix, and a crypto-only history keeps every calendar day. Each bar is stored
relative to the previous kept close: gap (open), reach up (high), reach down (low), move
(close), all in logs, plus the volume; a model simulates new moves and rebuilds bars from
them, so every generated bar is consistent by construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import MarketData

MIN_RETURNS = 30
SESSIONS_PER_YEAR, DAYS_PER_YEAR = 252, 365


@dataclass(frozen=True, slots=True)
class HistoryInfo:
    """Where a calibration came from: symbols, the span used, the last closes, the calendar."""

    symbols: tuple[str, ...]
    first: dt.date
    last: dt.date
    returns: int
    last_close: np.ndarray
    every_day: bool  # True: bars on every calendar day (crypto only); else weekdays

    @property
    def periods_per_year(self) -> int:
        return DAYS_PER_YEAR if self.every_day else SESSIONS_PER_YEAR

    def future_dates(self, bars: int) -> np.ndarray:
        """Return the `bars` dates after the history's last, on its calendar (no holidays)."""
        last = np.datetime64(self.last.isoformat())
        steps = np.arange(1, bars + 1)
        if self.every_day:
            return last + steps
        return np.busday_offset(last, steps, roll="forward")


@dataclass(frozen=True, eq=False)
class History:
    """Log moves of the common history, each (rows - 1, symbols), and the volumes."""

    info: HistoryInfo
    move: np.ndarray  # log(close / previous close)
    gap: np.ndarray  # log(open / previous close)
    reach_up: np.ndarray  # log(high / previous close)
    reach_down: np.ndarray  # log(low / previous close)
    volume: np.ndarray

    @property
    def symbols(self) -> tuple[str, ...]:
        return self.info.symbols

    @property
    def shape(self) -> tuple[int, int]:
        rows, columns = self.move.shape
        return rows, columns


def history_of(market: MarketData, min_returns: int = MIN_RETURNS) -> History:
    """Return the common history of `market`'s symbols; raise `ValidationError` if too short."""
    valid = _valid_bars(market)
    first, last = _common_span(market, valid)
    rows = np.flatnonzero(valid[first : last + 1].all(axis=1)) + first
    if len(rows) - 1 < min_returns:
        raise ValidationError(
            f"{len(rows) - 1} daily returns common to {', '.join(market.symbols)} between "
            f"{_day(market.dates[first])} and {_day(market.dates[last])}; a model needs at "
            f"least {min_returns}: choose a longer window or drop the late-listed symbols"
        )
    logs = {f: np.log(getattr(market, f)[rows]) for f in ("open", "high", "low", "close")}
    previous = logs["close"][:-1]
    dates = market.dates[rows].astype("datetime64[D]")
    weekdays = (dates.view("int64") + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    info = HistoryInfo(
        symbols=market.symbols,
        first=_day(dates[0]),
        last=_day(dates[-1]),
        returns=len(rows) - 1,
        last_close=market.close[rows[-1]].copy(),
        every_day=bool((weekdays >= 5).any()),
    )
    return History(
        info,
        move=logs["close"][1:] - previous,
        gap=logs["open"][1:] - previous,
        reach_up=logs["high"][1:] - previous,
        reach_down=logs["low"][1:] - previous,
        volume=np.maximum(market.volume[rows[1:]], 0.0),
    )


def _valid_bars(market: MarketData) -> np.ndarray:
    prices = np.stack([market.open, market.high, market.low, market.close])
    valid: np.ndarray = (np.isfinite(prices) & (prices > 0)).all(axis=0)
    valid &= np.isfinite(market.volume)
    return valid


def _common_span(market: MarketData, valid: np.ndarray) -> tuple[int, int]:
    """Return the first and last rows inside which every symbol has bars."""
    traded: np.ndarray = np.asarray(valid.any(axis=0))
    empty = [s for n, s in enumerate(market.symbols) if not traded[n]]
    if empty:
        raise ValidationError(f"no usable bars for {', '.join(empty)} in this window")
    firsts = valid.argmax(axis=0)
    lasts = len(valid) - 1 - valid[::-1].argmax(axis=0)
    first, last = int(firsts.max()), int(lasts.min())
    if first >= last:
        late = market.symbols[int(firsts.argmax())]
        early = market.symbols[int(lasts.argmin())]
        raise ValidationError(
            f"the histories do not overlap: {late} starts on {_day(market.dates[first])}, "
            f"after {early} ends on {_day(market.dates[int(lasts.min())])}"
        )
    return first, last


def _day(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])
