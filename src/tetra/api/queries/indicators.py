"""Indicators asked for as text (``sma:20``, ``macd:12,26,9``), computed by `tetra.indicators`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tetra import indicators as ta

MAX_PERIOD = 500

_DEFAULTS: dict[str, tuple[int, ...]] = {
    "sma": (20,),
    "ema": (20,),
    "rsi": (14,),
    "bollinger": (20,),
    "macd": (12, 26, 9),
}
SPEC_PATTERN = r"^[a-z]+(:[0-9]{1,3}(,[0-9]{1,3}){0,2})?$"


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
        if not all(2 <= p <= MAX_PERIOD for p in periods):
            raise ValueError(f"periods of {text!r} must be between 2 and {MAX_PERIOD}")
        if name == "macd" and periods[0] >= periods[1]:
            raise ValueError(f"the fast period of {text!r} must be below the slow one")
        return cls(name, periods)

    @property
    def key(self) -> str:
        return "_".join((self.name, *map(str, self.periods)))

    @property
    def warmup(self) -> int:
        """Bars needed before a range for the first value in it to be defined."""
        return sum(self.periods[1:]) if self.name == "macd" else self.periods[0]

    def columns(self) -> list[str]:
        suffixes = {"bollinger": ("upper", "middle", "lower"), "macd": ("", "signal", "histogram")}
        return [f"{self.key}_{s}" if s else self.key for s in suffixes.get(self.name, ("",))]

    def compute(self, close: np.ndarray) -> list[np.ndarray]:
        """Return the values of `columns()` over `close`, by `tetra.indicators`."""
        if self.name == "bollinger":
            return list(ta.bollinger_bands(close, self.periods[0]))
        if self.name == "macd":
            return list(ta.macd(close, *self.periods))
        kernel: Callable[[np.ndarray, int], np.ndarray] = getattr(ta, self.name)
        return [kernel(close, self.periods[0])]


def indicator_frame(close: np.ndarray, specs: Sequence[IndicatorSpec]) -> dict[str, np.ndarray]:
    """Return every column of `specs` computed on `close`."""
    frame: dict[str, np.ndarray] = {}
    for spec in specs:
        frame.update(zip(spec.columns(), spec.compute(close), strict=True))
    return frame
