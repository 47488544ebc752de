"""Indicators asked for as text (``sma:20``, ``macd:12,26,9``), computed by `tetra.indicators`.

`CATALOGUE` names every indicator the bars routes serve, its default periods and the columns
it fills; `IndicatorSpec.compute` takes the bars' open/high/low/close/volume arrays, so
indicators of the range (ATR, ADX, stochastic) and of volume (OBV, VWAP) work like the
close-only ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tetra import indicators as ta

MAX_PERIOD = 500

Arrays = Mapping[str, np.ndarray]

_DEFAULTS: dict[str, tuple[int, ...]] = {
    "sma": (20,),
    "ema": (20,),
    "wma": (20,),
    "rsi": (14,),
    "bollinger": (20,),
    "macd": (12, 26, 9),
    "atr": (14,),
    "adx": (14,),
    "stochastic": (5, 3, 3),
    "roc": (10,),
    "vwap": (20,),
    "obv": (),
}
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "bollinger": ("upper", "middle", "lower"),
    "macd": ("", "signal", "histogram"),
    "adx": ("", "plus_di", "minus_di"),
    "stochastic": ("k", "d"),
}
SPEC_PATTERN = r"^[a-z]+(:[0-9]{1,3}(,[0-9]{1,3}){0,2})?$"
CATALOGUE = tuple(_DEFAULTS)


def _typical(bars: Arrays) -> np.ndarray:
    return (bars["high"] + bars["low"] + bars["close"]) / 3.0


_KERNELS: dict[str, Callable[[Arrays, tuple[int, ...]], Sequence[np.ndarray]]] = {
    "sma": lambda b, p: [ta.sma(b["close"], p[0])],
    "ema": lambda b, p: [ta.ema(b["close"], p[0])],
    "wma": lambda b, p: [ta.wma(b["close"], p[0])],
    "rsi": lambda b, p: [ta.rsi(b["close"], p[0])],
    "bollinger": lambda b, p: list(ta.bollinger_bands(b["close"], p[0])),
    "macd": lambda b, p: list(ta.macd(b["close"], *p)),
    "atr": lambda b, p: [ta.atr(b["high"], b["low"], b["close"], p[0])],
    "adx": lambda b, p: list(ta.adx(b["high"], b["low"], b["close"], p[0])),
    "stochastic": lambda b, p: list(ta.stochastic(b["high"], b["low"], b["close"], *p)),
    "roc": lambda b, p: [ta.rate_of_change(b["close"], p[0])],
    "vwap": lambda b, p: [ta.vwap(_typical(b), b["volume"], p[0])],
    "obv": lambda b, p: [ta.obv(b["close"], b["volume"])],
}


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """An indicator asked for as ``name`` or ``name:period[,period...]``, e.g. ``sma:20``."""

    name: str
    periods: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> IndicatorSpec:
        """Parse `text`, raising ValueError naming what is wrong."""
        if not re.fullmatch(SPEC_PATTERN, text):
            raise ValueError(f"{text!r} is not name[:period[,period...]], e.g. sma:20")
        name, _, params = text.partition(":")
        if name not in _DEFAULTS:
            raise ValueError(f"unknown indicator {name!r}; known: {', '.join(_DEFAULTS)}")
        periods = tuple(int(p) for p in params.split(",")) if params else _DEFAULTS[name]
        if len(periods) != len(_DEFAULTS[name]):
            raise ValueError(f"{name} takes {len(_DEFAULTS[name])} period(s), got {text!r}")
        low = 1 if name == "stochastic" else 2
        if not all(low <= p <= MAX_PERIOD for p in periods):
            raise ValueError(f"periods of {text!r} must be between {low} and {MAX_PERIOD}")
        if name == "macd" and periods[0] >= periods[1]:
            raise ValueError(f"the fast period of {text!r} must be below the slow one")
        return cls(name, periods)

    @property
    def key(self) -> str:
        return "_".join((self.name, *map(str, self.periods)))

    @property
    def warmup(self) -> int:
        """Bars needed before a range for the first value in it to be defined."""
        if self.name == "macd":
            return sum(self.periods[1:])
        if self.name == "adx":
            return 2 * self.periods[0]
        if self.name == "stochastic":
            return sum(self.periods)
        return self.periods[0] if self.periods else 0

    def columns(self) -> list[str]:
        suffixes = _SUFFIXES.get(self.name, ("",))
        return [f"{self.key}_{s}" if s else self.key for s in suffixes]

    def compute(self, bars: Arrays) -> list[np.ndarray]:
        """Return the values of `columns()` over `bars` (float64 open, high, low, close, volume)."""
        return [np.asarray(v, dtype=np.float64) for v in _KERNELS[self.name](bars, self.periods)]


def indicator_frame(bars: Arrays, specs: Sequence[IndicatorSpec]) -> dict[str, np.ndarray]:
    """Return every column of `specs` computed on `bars`."""
    frame: dict[str, np.ndarray] = {}
    for spec in specs:
        frame.update(zip(spec.columns(), spec.compute(bars), strict=True))
    return frame
