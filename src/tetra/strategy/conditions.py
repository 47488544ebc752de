"""Composable timing conditions: boolean (T, N) panels combined with `&`, `|` and `~`.

Map of the module:
- `Series`: numbers a condition tests: `Close`, and indicators of the close (`Sma`, `Ema`,
  `Rsi`, `ZScore`, `RateOfChange`); with `symbol=` one symbol's column, broadcast to all;
- `Threshold`, `Regime` (one symbol's series gating every symbol), `CrossAbove`, `CrossBelow`;
- calendar rules `MonthEnd`, `DayOfWeek`; event windows `NotNearEvents`;
- `And`, `Or`, `Not`, built by the operators.

`evaluate(market)` returns a (T, N) boolean array whose row t uses bars up to t only. A NaN
(warm-up, missing bar) makes a comparison False. Calendar rules read dates, which a trading
calendar knows in advance; event dates must likewise be scheduled ones (earnings dates,
FOMC meetings), known before they happen.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from tetra import indicators
from tetra.market import MarketData


def _panel(values: np.ndarray, market: MarketData) -> np.ndarray:
    """Broadcast a (T,), (T, 1) or (T, N) boolean result to the market's (T, N)."""
    if values.ndim == 1:
        values = values[:, None]
    return np.array(np.broadcast_to(values, market.shape), dtype=bool)


class Series(ABC):
    """Numbers per bar: (T, N) for every symbol, or (T, 1) for one symbol's column."""

    @abstractmethod
    def values(self, market: MarketData) -> np.ndarray: ...

    @abstractmethod
    def describe(self) -> str: ...


Operand = Series | float


def _values(operand: Operand, market: MarketData) -> np.ndarray:
    if isinstance(operand, Series):
        return operand.values(market)
    return np.full((market.shape[0], 1), float(operand))


def _describe(operand: Operand) -> str:
    return operand.describe() if isinstance(operand, Series) else f"{operand:g}"


@dataclass(frozen=True)
class Close(Series):
    """The close of every symbol, or of `symbol` alone."""

    symbol: str | None = None

    def values(self, market: MarketData) -> np.ndarray:
        if self.symbol is None:
            return market.close
        return market.close[:, [market.column(self.symbol)]]

    def describe(self) -> str:
        return f"close({self.symbol})" if self.symbol else "close"


@dataclass(frozen=True)
class _OfClose(Series):
    period: int
    symbol: str | None = None

    def values(self, market: MarketData) -> np.ndarray:
        return self.compute(Close(self.symbol).values(market))

    def compute(self, close: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> str:
        of = f", {self.symbol}" if self.symbol else ""
        return f"{type(self).__name__.lower()}({self.period}{of})"


class Sma(_OfClose):
    def compute(self, close: np.ndarray) -> np.ndarray:
        return np.asarray(indicators.sma(close, self.period))


class Ema(_OfClose):
    def compute(self, close: np.ndarray) -> np.ndarray:
        return np.asarray(indicators.ema(close, self.period))


class Rsi(_OfClose):
    def compute(self, close: np.ndarray) -> np.ndarray:
        return np.asarray(indicators.rsi(close, self.period))


class ZScore(_OfClose):
    def compute(self, close: np.ndarray) -> np.ndarray:
        return np.asarray(indicators.rolling_zscore(close, self.period))


class RateOfChange(_OfClose):
    def compute(self, close: np.ndarray) -> np.ndarray:
        return np.asarray(indicators.rate_of_change(close, self.period))


class Condition(ABC):
    """A boolean (T, N) panel over a market; combine with `&`, `|` and `~`."""

    @abstractmethod
    def evaluate(self, market: MarketData) -> np.ndarray: ...

    @abstractmethod
    def describe(self) -> str: ...

    def __and__(self, other: Condition) -> Condition:
        return And(self, other)

    def __or__(self, other: Condition) -> Condition:
        return Or(self, other)

    def __invert__(self) -> Condition:
        return Not(self)


@dataclass(frozen=True)
class And(Condition):
    left: Condition
    right: Condition

    def evaluate(self, market: MarketData) -> np.ndarray:
        return np.asarray(self.left.evaluate(market) & self.right.evaluate(market), bool)

    def describe(self) -> str:
        return f"({self.left.describe()} & {self.right.describe()})"


@dataclass(frozen=True)
class Or(And):
    def evaluate(self, market: MarketData) -> np.ndarray:
        return np.asarray(self.left.evaluate(market) | self.right.evaluate(market), bool)

    def describe(self) -> str:
        return f"({self.left.describe()} | {self.right.describe()})"


@dataclass(frozen=True)
class Not(Condition):
    inner: Condition

    def evaluate(self, market: MarketData) -> np.ndarray:
        return np.asarray(~self.inner.evaluate(market), bool)

    def describe(self) -> str:
        return f"~{self.inner.describe()}"


@dataclass(frozen=True)
class Threshold(Condition):
    """True where `series` < `below` and/or `series` > `above` (both given: strictly between)."""

    series: Series
    below: Operand | None = None
    above: Operand | None = None

    def __post_init__(self) -> None:
        if self.below is None and self.above is None:
            raise ValueError("give a threshold: below=, above=, or both")

    def evaluate(self, market: MarketData) -> np.ndarray:
        values = self.series.values(market)
        result = np.ones(values.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            if self.below is not None:
                result &= values < _values(self.below, market)
            if self.above is not None:
                result &= values > _values(self.above, market)
        return _panel(result, market)

    def describe(self) -> str:
        parts = [self.series.describe()]
        if self.above is not None:
            parts.append(f"> {_describe(self.above)}")
        if self.below is not None:
            parts.append(f"< {_describe(self.below)}")
        return " ".join(parts)


class Regime(Threshold):
    """A market-wide filter: one symbol's threshold (e.g. SPY above its SMA) gates every symbol."""

    def evaluate(self, market: MarketData) -> np.ndarray:
        if self.series.values(market).shape[1] != 1:
            raise ValueError(f"a regime reads one symbol's series; give {self.series} a symbol")
        return super().evaluate(market)

    def describe(self) -> str:
        return f"regime({super().describe()})"


@dataclass(frozen=True)
class CrossAbove(Condition):
    """True at the bar where `a` closes above `b` after being at or below it the bar before."""

    a: Series
    b: Operand

    def evaluate(self, market: MarketData) -> np.ndarray:
        a, b = np.broadcast_arrays(self.a.values(market), _values(self.b, market))
        return _panel(_crossed(a - b), market)

    def describe(self) -> str:
        return f"{self.a.describe()} crosses above {_describe(self.b)}"


@dataclass(frozen=True)
class CrossBelow(CrossAbove):
    """True at the bar where `a` closes below `b` after being at or above it the bar before."""

    def evaluate(self, market: MarketData) -> np.ndarray:
        a, b = np.broadcast_arrays(self.a.values(market), _values(self.b, market))
        return _panel(_crossed(b - a), market)

    def describe(self) -> str:
        return f"{self.a.describe()} crosses below {_describe(self.b)}"


def _crossed(difference: np.ndarray) -> np.ndarray:
    """Rows where `difference` turned positive from <= 0 on the previous row (NaN: no cross)."""
    before = np.vstack([np.full((1, difference.shape[1]), np.nan), difference[:-1]])
    with np.errstate(invalid="ignore"):
        return (difference > 0) & (before <= 0)


@dataclass(frozen=True)
class MonthEnd(Condition):
    """The last session of each month among the data's dates.

    A row is a month end when the next row falls in a later month; the last row, with no
    next row yet, when the next business day (Monday to Friday) does.
    """

    def evaluate(self, market: MarketData) -> np.ndarray:
        days = market.dates.astype("datetime64[D]")
        following = np.empty_like(days)
        following[:-1] = days[1:]
        if len(days):
            following[-1] = np.busday_offset(days[-1], 1, roll="backward")
        months, next_months = days.astype("datetime64[M]"), following.astype("datetime64[M]")
        return _panel(next_months > months, market)

    def describe(self) -> str:
        return "month end"


@dataclass(frozen=True)
class DayOfWeek(Condition):
    """True on the given weekdays (Monday 0 to Sunday 6)."""

    days: tuple[int, ...]

    def __init__(self, *days: int) -> None:
        if not days or any(not 0 <= d <= 6 for d in days):
            raise ValueError(f"weekdays run from 0 (Monday) to 6 (Sunday), not {days}")
        object.__setattr__(self, "days", tuple(days))

    def evaluate(self, market: MarketData) -> np.ndarray:
        weekday = (market.dates.astype("datetime64[D]").astype(np.int64) + 3) % 7
        return _panel(np.isin(weekday, self.days), market)

    def describe(self) -> str:
        return f"weekday in {list(self.days)}"


@dataclass(frozen=True)
class NotNearEvents(Condition):
    """False within `days` business days (either side) of a symbol's event, True elsewhere.

    `events` maps a symbol to its event dates; symbols without events are always True.
    The distance is `numpy.busday_count`'s: an event on a weekend is one business day
    from the Friday before and from the Monday after it.
    """

    events: Mapping[str, Sequence[date | str | np.datetime64]]
    days: int = 2

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValueError(f"days cannot be negative, not {self.days}")

    def evaluate(self, market: MarketData) -> np.ndarray:
        days = market.dates.astype("datetime64[D]")
        result = np.ones(market.shape, dtype=bool)
        for symbol, events in self.events.items():
            if symbol not in market.symbols or not len(events):
                continue
            when = np.array([str(e) for e in events], dtype="datetime64[D]")
            distance = np.busday_count(days[:, None], when[None, :])
            result[:, market.column(symbol)] = ~(np.abs(distance) <= self.days).any(axis=1)
        return result

    def describe(self) -> str:
        return f"not within {self.days} business days of events ({', '.join(self.events)})"
