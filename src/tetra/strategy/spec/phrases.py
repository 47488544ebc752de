"""The offline parser's vocabulary: symbols, numbers, periods and conditions in plain words.

Every function reads a lower-cased phrase (symbols from the original text) and returns
spec pieces or None; none of them guesses beyond the patterns written here.
"""

from __future__ import annotations

import re

from tetra.core.errors import TetraError
from tetra.strategy.spec.model import (
    CalendarRule,
    CrossRule,
    Indicator,
    MacroRule,
    MacroSeries,
    SeriesRef,
    ThresholdRule,
)

NUMBER = r"(-?\d+(?:\.\d+)?)"
_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
          "nine": "9", "ten": "10", "twelve": "12", "half": "0.5"}  # fmt: skip
SHAPES = (
    "buy SPY when RSI(14) falls below 30 and sell above 70",
    "buy QQQ when the 50-day SMA crosses above the 200-day",
    "buy SPY when it closes above its 200-day moving average, sell below it",
    "rotate monthly between QQQ and TLT by 3-month momentum",
    "hold the top 2 of SPY, EFA, TLT, GLD by 6-month momentum, rebalanced monthly",
    "pair trade KO and PEP at 2 standard deviations",
    "a 1:-2:1 butterfly on SHY, IEF, TLT",
    "buy and hold 60% SPY and 40% TLT",
    "buy IWM below the lower Bollinger band (20, 2)",
    "refinements: less turnover, add a stop at 2 ATR, only when VIX is below 25",
)


class IdeaNotUnderstood(TetraError):
    """The parser could not turn the text into a spec; `shapes` lists what it understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.shapes = SHAPES


_NOT_SYMBOLS = frozenset(
    {"A", "I", "RSI", "SMA", "EMA", "ATR", "VIX", "AND", "OR", "THE", "WHEN", "BUY", "SELL"}
    | {"ETF", "ETFS", "USD", "MACD", "ROC", "SD", "Z", "BP", "BPS", "FOMC", "CPI", "OK", "IF"}
    | {"ON", "AT", "BY", "TO", "IN", "OF"}
)
_UNIT_BARS = {"day": 1, "week": 5, "month": 21, "year": 252, "quarter": 63}
_PERIOD = r"(\d+)[- ]?(day|week|month|year|quarter)s?"
_AVERAGE = r"(?:sma|ema|moving average|simple moving average|exponential moving average|average|ma)"
_ABOVE = r"(?:above|over|greater than|higher than|exceeds?|rises above|climbs above|>)"
_BELOW = r"(?:below|under|less than|lower than|falls below|drops below|dips below|<)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def digits(text: str) -> str:
    """Return `text` with number words as digits, dashes plain and spaces collapsed."""
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    for word, number in _WORDS.items():
        text = re.sub(rf"\b{word}\b", number, text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


def normalise(text: str) -> str:
    """Return `digits(text)` lower-cased."""
    return digits(text).lower()


def symbols_in(text: str) -> list[str]:
    """Return the tickers written in capitals, in order, without repeats."""
    found = re.findall(r"(?<![A-Za-z0-9.])([A-Z][A-Z0-9]{0,9}(?:\.[A-Z])?)(?![a-z0-9])", text)
    return list(
        dict.fromkeys(s for s in found if (s not in _NOT_SYMBOLS and len(s) >= 2) or s == "V")
    )


def bars(amount: str, unit: str) -> int:
    """Return a period in bars: days as they are, weeks x5, months x21, quarters x63."""
    return round(float(amount) * _UNIT_BARS[unit])


def period(phrase: str) -> int | None:
    match = re.search(_PERIOD, phrase)
    return bars(match.group(1), match.group(2)) if match else None


def _average(word: str) -> Indicator:
    return Indicator.EMA if word.startswith(("ema", "exponential")) else Indicator.SMA


def rsi_levels(phrase: str) -> tuple[int, float | None, float | None] | None:
    """Return (period, below, above) of an RSI phrase, levels where stated."""
    match = re.search(r"rsi\s*(?:\(\s*(\d+)\s*\)|(\d+))?", phrase)
    if not match:
        return None
    days = int(match.group(1) or match.group(2) or 0) or period(phrase) or 14
    rest = phrase[match.end() :]
    below = re.search(rf"{_BELOW}\s*{NUMBER}", rest)
    above = re.search(rf"{_ABOVE}\s*{NUMBER}", rest)
    return days, float(below.group(1)) if below else None, float(above.group(1)) if above else None


def crossing(phrase: str) -> CrossRule | None:
    """'the 50-day SMA crosses above the 200-day' and 'golden cross' phrasings."""
    if "golden cross" in phrase:
        return _cross(50, 200, Indicator.SMA, "above")
    if "death cross" in phrase:
        return _cross(50, 200, Indicator.SMA, "below")
    match = re.search(
        rf"(\d+)[- ]?day (?:{_AVERAGE} )?(sma|ema|moving average|average|ma)?\s*"
        rf"cross(?:es)? (above|over|below|under) (?:the |its )?(\d+)[- ]?day",
        phrase,
    )
    if not match:
        return None
    direction = "above" if match.group(3) in ("above", "over") else "below"
    kind = _average(match.group(2) or ("ema" if "ema" in phrase else "sma"))
    return _cross(int(match.group(1)), int(match.group(4)), kind, direction)


def _cross(fast: int, slow: int, kind: Indicator, direction: str) -> CrossRule:
    return CrossRule(
        series=SeriesRef(indicator=kind, period=fast),
        direction="above" if direction == "above" else "below",
        other=SeriesRef(indicator=kind, period=slow),
    )


def average_relation(phrase: str, symbol: str | None = None) -> ThresholdRule | None:
    """'(closes) above its 200-day moving average' -> close vs SMA(200)."""
    match = re.search(
        rf"({_ABOVE}|{_BELOW}) (?:the |its |their )?(\d+)[- ]?(day|week|month)s? ({_AVERAGE})",
        phrase,
    )
    if not match:
        return None
    ref = SeriesRef(
        indicator=_average(match.group(4)),
        period=bars(match.group(2), match.group(3)),
        symbol=symbol,
    )
    close = SeriesRef(indicator=Indicator.CLOSE, symbol=symbol)
    if re.fullmatch(_ABOVE, match.group(1)):
        return ThresholdRule(series=close, above=ref)
    return ThresholdRule(series=close, below=ref)


def zscore_rule(phrase: str) -> ThresholdRule | None:
    """'its 20-day z-score is below -2'."""
    if not re.search(r"z-?score", phrase):
        return None
    days = period(phrase) or 20
    ref = SeriesRef(indicator=Indicator.ZSCORE, period=days)
    return _levels(ref, phrase[re.search(r"z-?score", phrase).end() :])  # type: ignore[union-attr]


def return_rule(phrase: str) -> ThresholdRule | None:
    """'its 3-month return is above 5%' or '... is positive / negative'."""
    match = re.search(rf"{_PERIOD} (?:return|rate of change|roc|momentum|performance)", phrase)
    if not match:
        return None
    ref = SeriesRef(indicator=Indicator.ROC, period=bars(match.group(1), match.group(2)))
    rest = phrase[match.end() :]
    if re.search(r"\bpositive\b", rest):
        return ThresholdRule(series=ref, above=0.0)
    if re.search(r"\bnegative\b", rest):
        return ThresholdRule(series=ref, below=0.0)
    rule = _levels(ref, rest, percent=True)
    return rule


def _levels(ref: SeriesRef, rest: str, *, percent: bool = False) -> ThresholdRule | None:
    below = re.search(rf"{_BELOW}\s*{NUMBER}(%?)", rest)
    above = re.search(rf"{_ABOVE}\s*{NUMBER}(%?)", rest)
    if not below and not above:
        return None

    def value(match: re.Match[str] | None) -> float | None:
        if match is None:
            return None
        number = float(match.group(1))
        return number / 100 if percent and match.group(2) else number

    return ThresholdRule(series=ref, below=value(below), above=value(above))


def vix_rule(phrase: str) -> MacroRule | None:
    match = re.search(rf"vix (?:is |stays |closes )?({_BELOW}|{_ABOVE}) {NUMBER}", phrase)
    if not match:
        return None
    level = float(match.group(2))
    if re.fullmatch(_BELOW, match.group(1)):
        return MacroRule(series=MacroSeries.VIX, below=level)
    return MacroRule(series=MacroSeries.VIX, above=level)


def calendar_rule(phrase: str) -> CalendarRule | None:
    if re.search(
        r"month[- ]end|end of (?:the |each |every )?month|last (?:trading )?day of the month",
        phrase,
    ):
        return CalendarRule(rule="month_end", weekdays=())
    days = tuple(i for i, day in enumerate(_WEEKDAYS) if re.search(rf"\b{day}s?\b", phrase))
    return CalendarRule(rule="weekdays", weekdays=days) if days else None
