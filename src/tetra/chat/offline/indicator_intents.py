"""Reading indicator questions: EMA, RSI, MACD and Bollinger bands, of which symbols, when.

`indicator` returns the query of an indicator question, None for another family, or refuses
(with the closest phrasing that works) when a part is ambiguous or not computed: a length
given as "over N days" without the indicator's own length, a judgement ("overbought", "above",
"a buy signal"), a ranking of anything but the RSI, another bar length than the day.
"""

from __future__ import annotations

import re

from tetra.chat.offline import indicator_sql as build
from tetra.chat.offline.parse import Period, find_period
from tetra.chat.offline.question import Question, keywords, refuse
from tetra.chat.offline.sql import Built

__all__ = ["INDICATOR_WORDS", "indicator"]

RSI_LENGTH = 14
BOLLINGER = (20, 2.0)
INDICATOR_WORDS = r"ema\b|exponential(?:ly weighted)? moving average|rsi\b|relative strength " \
    r"index|macd|bollinger"  # fmt: skip

_LENGTH = r"(\d{1,3})[- ]?(?:day|d|bar|period|session)s?\s+"
_EMA = keywords(r"ema\b|exponential(?:ly weighted)? moving average")
_EMA_LENGTH = re.compile(
    rf"\b{_LENGTH}(?:ema|exponential(?:ly weighted)? moving average)\b|\bema\s*\(?\s*(\d{{1,3}})\b"
    r"|\bexponential(?:ly weighted)? moving average (?:over|of) (?:the last )?(\d{1,3}) "
    r"(?:days|bars|sessions)\b"
)
_RSI = keywords(r"rsi\b|relative strength index")
_RSI_LENGTH = re.compile(
    rf"\b{_LENGTH}(?:rsi|relative strength index)\b|\brsi\s*\(?\s*(\d{{1,3}})\b"
)
_MACD = keywords(r"macd|moving average convergence")
_MACD_LENGTHS = re.compile(r"\bmacd\s*\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)")
_MACD_PARTS = {
    "signal": keywords(r"signal(?: line)?\b"),
    "histogram": keywords(r"histogram"),
    "macd": keywords(r"macd line|line of (?:the )?macd"),
}
_BOLLINGER = keywords(r"bollinger")
_BOLLINGER_LENGTH = re.compile(
    rf"\b{_LENGTH}bollinger\b|\bbollinger(?: bands?)?\s*\(\s*(\d{{1,3}})"
    r"(?:\s*,\s*(\d(?:\.\d+)?))?\s*\)"
)
_BANDS = {part: keywords(rf"{part}(?: bollinger)? band") for part in ("upper", "middle", "lower")}
_JUDGEMENT = keywords(
    r"overbought|oversold|above|below|cross\w*|divergen\w*|buy|sell|bullish|bearish|trend\w*|"
    r"squeeze|band ?width|%b\b|percent b|breakout|touch\w*|signals\b|flash\w*"
)
_BAR_LENGTHS = keywords(r"weekly|monthly|hourly|intraday|minute|\d+[- ]?(?:h|m|min)\b|4h")
_RANKED = re.compile(
    r"\b(highest|lowest|top|bottom|largest|smallest|strongest|weakest)\b(?:\s+\d+)?"
    r"(?:\s+\w+){0,3}?\s+(?:by\s+)?(?:rsi|relative strength)"
    r"|\b(?:rsi|relative strength index)\b.{0,12}\b(highest|lowest)\b"
)
_GROUP_NAMES = re.compile(
    r"\b(?:largest|biggest|major|core|mega[- ]?cap|large[- ]?cap)\s+(?:etfs?|stocks?|companies|"
    r"equities)\b"
)
_MACD_NAME = re.compile(r"moving average convergence[ /-]?divergence")


def indicator(q: Question) -> Built | None:
    """Return the query of an EMA, RSI, MACD or Bollinger question, or None."""
    found = [name for name, word in _WORDS.items() if q.has(word)]
    if not found:
        return None
    if len(found) > 1:
        refuse(
            f"it computes one indicator at a time, not {' and '.join(found)} together.",
            "What is the 14-day RSI of AAPL?",
        )
    example = _EXAMPLES[found[0]]
    _check(q, found[0], example)
    return _READERS[found[0]](q, example)


def _check(q: Question, name: str, example: str) -> None:
    if q.series:
        refuse(f"it computes the {name} of symbols' closes, not of economic series.", example)
    if judged := _JUDGEMENT.search(_MACD_NAME.sub("macd", q.text)):
        refuse(
            f"it gives the {name} values themselves, not a judgement such as {judged[0]!r}.",
            example,
        )
    if bars := _BAR_LENGTHS.search(q.text):
        refuse(f"it computes the {name} of daily bars, not {bars[0]!r} ones.", example)
    if not q.symbols and q.group is None and q.theme is None:
        refuse(f"it needs the symbols (or a group) whose {name} to compute.", example)


def _length(match: re.Match[str] | None, default: int | None, low: int, high: int, ex: str) -> int:
    value = next((int(g) for g in match.groups() if g), None) if match else None
    if value is None:
        if default is None:
            refuse("it needs the indicator's length, in days.", ex)
        return default
    if not low <= value <= high:
        refuse(f"it computes this indicator over {low} to {high} days.", ex)
    return value


def _when(q: Question, lengths: re.Pattern[str], explicit: bool, example: str) -> Period | None:
    """The bars asked about: None for the latest, else the question's period.

    A trailing period ("over the last 14 days") may name the indicator's length instead of
    the span to show; without an explicit length it is refused as ambiguous.
    """
    period = q.period if q.followed else find_period(lengths.sub(" ", q.text))
    if period is None or period.kind == "all":
        return None
    if period.relative and not explicit:
        refuse(
            "it cannot tell whether the period is the indicator's length or the span of days "
            "to show; give the length (e.g. '14-day') and the span apart.",
            example,
        )
    return period


def _ema(q: Question, example: str) -> Built:
    match = _EMA_LENGTH.search(q.text)
    length = _length(match, None, 2, 500, example)
    _unranked(q, "EMA", example)
    return build.ema(q.selection(), length, _when(q, _EMA_LENGTH, True, example))


def _rsi(q: Question, example: str) -> Built:
    match = _RSI_LENGTH.search(q.text)
    length = _length(match, RSI_LENGTH, 2, 100, example)
    ranked = _RANKED.search(_GROUP_NAMES.sub(" ", q.text))
    order = None
    if ranked is not None:
        order = "DESC" if (ranked[1] or ranked[2]) in ("highest", "top", "largest", "strongest") \
            else "ASC"  # fmt: skip
    count = q.ranked_count()
    on = _when(q, _RSI_LENGTH, match is not None, example)
    if order is not None and on is not None:
        refuse("it ranks symbols by their RSI on the latest bar only.", example)
    return build.rsi(q.selection(), length, on, ranked=order, limit=count)


def _macd(q: Question, example: str) -> Built:
    match = _MACD_LENGTHS.search(q.text)
    fast, slow, signal = (int(g) for g in match.groups()) if match else (12, 26, 9)
    if not (2 <= fast < slow <= 200 and 1 <= signal <= 100):
        refuse("it computes MACD with 2 <= fast < slow <= 200 and a signal of 1 to 100.", example)
    parts = [part for part, word in _MACD_PARTS.items() if q.has(word)]
    _unranked(q, "MACD", example)
    lengths = build.Macd(fast, slow, signal, parts[0] if len(parts) == 1 else "")
    return build.macd(q.selection(), lengths, _when(q, _MACD_LENGTHS, True, example))


def _bollinger(q: Question, example: str) -> Built:
    match = _BOLLINGER_LENGTH.search(q.text)
    length, width = BOLLINGER
    if match is not None:
        length = int(match[1] or match[2])
        width = float(match[3]) if match[3] else width
    if not (2 <= length <= 500 and 0 < width <= 5):
        refuse("it computes bands of 2 to 500 days and up to 5 deviations.", example)
    parts = [part for part, word in _BANDS.items() if q.has(word)]
    _unranked(q, "Bollinger bands", example)
    on = _when(q, _BOLLINGER_LENGTH, True, example)
    return build.bollinger_bands(
        q.selection(), length, width, on, parts[0] if len(parts) == 1 else ""
    )


_RANKING = keywords(
    r"highest|lowest|top\b|bottom\b|rank\w*|most\b(?! recent)|least|largest|smallest"
)


def _unranked(q: Question, name: str, example: str) -> None:
    if _RANKING.search(_GROUP_NAMES.sub(" ", q.text)):
        refuse(f"it lists the {name} of each symbol; it ranks symbols by RSI only.", example)


_WORDS = {"EMA": _EMA, "RSI": _RSI, "MACD": _MACD, "Bollinger bands": _BOLLINGER}
_EXAMPLES = {
    "EMA": "What is the 20-day EMA of SPY?",
    "RSI": "What is the 14-day RSI of AAPL?",
    "MACD": "What is the MACD of NVDA?",
    "Bollinger bands": "Bollinger bands of SPY",
}
_READERS = {"EMA": _ema, "RSI": _rsi, "MACD": _macd, "Bollinger bands": _bollinger}
