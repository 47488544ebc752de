"""Entities of a question for the offline translator: symbols, periods, counts, series, groups.

Plain regular expressions and keyword tables, no model. `find_symbols` reads tickers (a ticker
that is also an English word, or one of one or two letters, only when written in upper case)
and instrument names from the vocabulary; `find_period` reads the time span; `find_series`
the economic series; `find_group` an asset class or universe group; `find_count` a "top N".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from tetra.chat.context import Vocabulary

__all__ = [
    "Group",
    "Period",
    "find_count",
    "find_group",
    "find_period",
    "find_series",
    "find_symbols",
]

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
}  # fmt: skip
_NUMBER = r"(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")"
_MONTHS = {
    name: index
    for index, names in enumerate(
        ("jan|january", "feb|february", "mar|march", "apr|april", "may", "jun|june",
         "jul|july", "aug|august", "sep|sept|september", "oct|october", "nov|november",
         "dec|december"),
        start=1,
    )
    for name in names.split("|")
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
# A date as users write it: 2024-01-31, 2024-01, "March 2024", "2024".
_DATE = rf"(\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}-\d{{2}}|{_MONTH}\s+\d{{4}}|(?:19|20)\d{{2}})"


def number(word: str) -> int:
    """Return the value of a count written in digits or in words ("five", "a")."""
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A span of time, relative to the latest row (`trailing`, `to_date`) or to dates.

    kinds: ``trailing`` (`amount` `unit`s back from the latest row), ``to_date`` (since the
    start of the latest row's `unit`: year or month), ``dates`` (`first` to `last`, both
    included; `last` None means open-ended) and ``all``.
    """

    kind: str
    amount: int = 0
    unit: str = ""
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def relative(self) -> bool:
        return self.kind in ("trailing", "to_date")

    def window(self, column: str, latest: str) -> list[str]:
        """Return the SQL conditions keeping the rows inside the period."""
        if self.kind == "trailing":
            return [f"{column} > {latest} - {self._interval()}"]
        if self.kind == "to_date":
            return [f"{column} >= DATE_TRUNC('{self.unit.lower()}', {latest})"]
        conditions = []
        if self.first is not None:
            conditions.append(f"{column} >= DATE '{self.first.isoformat()}'")
        if self.last is not None:
            after = self.last + dt.timedelta(days=1)
            conditions.append(f"{column} < DATE '{after.isoformat()}'")
        return conditions

    def before(self, column: str, latest: str) -> str | None:
        """Return the SQL condition keeping the rows before the period (None: no start)."""
        if self.kind == "trailing":
            return f"{column} <= {latest} - {self._interval()}"
        if self.kind == "to_date":
            return f"{column} < DATE_TRUNC('{self.unit.lower()}', {latest})"
        if self.first is not None:
            return f"{column} < DATE '{self.first.isoformat()}'"
        return None

    def describe(self, whose: str = "its") -> str:
        """Return the period in words, e.g. "over the 30 days to its latest bar"."""
        if self.kind == "trailing":
            plural = "s" if self.amount != 1 else ""
            return f"over the {self.amount} {self.unit.lower()}{plural} to {whose} latest row"
        if self.kind == "to_date":
            return f"{self.unit.lower()} to date (to {whose} latest row)"
        if self.first is not None and self.last is not None:
            return f"from {self.first.isoformat()} to {self.last.isoformat()}"
        if self.first is not None:
            return f"since {self.first.isoformat()}"
        return "over all the history"

    def _interval(self) -> str:
        return f"INTERVAL {self.amount} {self.unit}"


ALL_TIME = Period("all")
_UNITS = {"day": "DAY", "week": "WEEK", "month": "MONTH", "quarter": "MONTH", "year": "YEAR"}
_UNIT = r"(day|week|month|quarter|year)s?"
_TRAILING = re.compile(rf"\b(?:last|past|previous|prior|trailing)\s+(?:{_NUMBER}\s+)?{_UNIT}\b")
_ADJECTIVE = re.compile(
    rf"\b{_NUMBER}[- ]{_UNIT}\s+(?:return|change|performance|gain|loss|move|high|low|"
    r"history|average|window|period|chart|range)"
)
_IN_THE_LAST = re.compile(rf"\b(?:in|over|during|within)\s+the\s+last\s+{_NUMBER}\s+{_UNIT}\b")
_TO_DATE = re.compile(r"\b(ytd|year[- ]to[- ]date|this year|so far this year|mtd|this month|"
                      r"month[- ]to[- ]date)\b")  # fmt: skip
_LATEST_DAY = re.compile(r"\b(today|latest session|last session|on the day|1-day|one-day|"
                         r"daily (?:move|change|return|gain|loss)|yesterday)\b")  # fmt: skip
_ALL_TIME = re.compile(r"\b(all[- ]time|ever|full history|whole history|since inception|"
                       r"since (?:the )?(?:start|beginning)|entire history)\b")  # fmt: skip
_BETWEEN = re.compile(rf"\b(?:between|from)\s+{_DATE}\s+(?:and|to|until|till|through|-)\s+{_DATE}")
_SINCE = re.compile(rf"\b(?:since|from|after|starting)\s+{_DATE}")
_CALENDAR = re.compile(rf"\b(?:in|during|for|of|over|across|throughout)?\s*{_DATE}\b")


def find_period(text: str) -> Period | None:
    """Return the period a (lower-case) question names, or None."""
    for finder in (_dated, _to_date, _trailing, _special):
        period = finder(text)
        if period is not None:
            return period
    return None


def _dated(text: str) -> Period | None:
    if match := _BETWEEN.search(text):
        return Period("dates", first=_first_day(match[1]), last=_last_day(match[2]))
    if match := _SINCE.search(text):
        return Period("dates", first=_first_day(match[1]))
    for match in _CALENDAR.finditer(text):
        if re.fullmatch(r"\d{4}", match[1]) and _is_quantity(text, match.end()):
            continue
        return Period("dates", first=_first_day(match[1]), last=_last_day(match[1]))
    return None


def _is_quantity(text: str, end: int) -> bool:
    """Tell whether a bare four-digit number is a count ("top 1000 days"), not a year."""
    return re.match(r"\s*(?:days?|weeks?|months?|rows?|bars?|dollars?|\$|%)", text[end:]) is not None


def _to_date(text: str) -> Period | None:
    match = _TO_DATE.search(text)
    if match is None:
        return None
    unit = "MONTH" if "month" in match[1] or match[1] == "mtd" else "YEAR"
    return Period("to_date", unit=unit)


def _trailing(text: str) -> Period | None:
    match = _IN_THE_LAST.search(text) or _TRAILING.search(text) or _ADJECTIVE.search(text)
    if match is None:
        return None
    amount = number(match[1]) if match[1] else 1
    if match[2] == "quarter":
        amount *= 3
    return Period("trailing", amount=amount, unit=_UNITS[match[2]])


def _special(text: str) -> Period | None:
    if _LATEST_DAY.search(text):
        return Period("trailing", amount=1, unit="DAY")
    if _ALL_TIME.search(text):
        return ALL_TIME
    return None


def _parse_date(token: str) -> tuple[int, int | None, int | None]:
    token = token.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
        year, month, day = (int(p) for p in token.split("-"))
        return year, month, day
    if re.fullmatch(r"\d{4}-\d{2}", token):
        year, month = (int(p) for p in token.split("-"))
        return year, month, None
    if re.fullmatch(r"\d{4}", token):
        return int(token), None, None
    name, year = token.split()
    return int(year), _MONTHS[name], None


def _first_day(token: str) -> dt.date:
    year, month, day = _parse_date(token)
    return dt.date(year, month or 1, day or 1)


def _last_day(token: str) -> dt.date:
    year, month, day = _parse_date(token)
    if day is not None and month is not None:
        return dt.date(year, month, day)
    if month is None:
        return dt.date(year, 12, 31)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


# --- counts and groups ------------------------------------------------------------------------

_COUNT = re.compile(
    rf"\b(?:top|best|worst|bottom|biggest|largest|first|last|latest|recent)\s+{_NUMBER}\b(?!\s*(?:%|-|days?"
    r"|weeks?|months?|years?|quarters?|percent))"
    rf"|\b{_NUMBER}\s+(?:best|worst|top|biggest|largest|strongest|weakest)\b"
)


def find_count(text: str) -> int | None:
    """Return the N of "top N", "5 best", ... or None."""
    match = _COUNT.search(text)
    if match is None:
        return None
    word = match[1] or match[2]
    return number(word)


@dataclass(frozen=True, slots=True)
class Group:
    """A set of symbols by a column of market_data.symbols, named for the explanation."""

    column: str  # asset_class or universe_group
    value: str
    label: str


_GROUPS = (
    (r"themed etfs?|thematic etfs?|theme etfs?", Group("universe_group", "themed_etfs",
                                                       "themed ETFs")),
    (r"(?:largest|biggest|major|core) etfs?", Group("universe_group", "largest_etfs",
                                                     "largest ETFs")),
    (r"growth stocks?|growth names|growth equities", Group("universe_group", "growth_stocks",
                                                           "growth stocks")),
    (r"(?:largest|biggest|mega[- ]?cap|large[- ]?cap) (?:stocks?|companies|equities)",
     Group("universe_group", "largest_stocks", "largest stocks")),
    (r"etfs?|funds", Group("asset_class", "etf", "ETFs")),
    (r"crypto\w*|coins?|tokens?|digital assets?", Group("asset_class", "crypto", "crypto")),
    (r"stocks?|equities|equity|shares|companies", Group("asset_class", "equity", "stocks")),
)  # fmt: skip


def find_group(text: str) -> Group | None:
    """Return the asset class or universe group a question restricts to, or None."""
    for pattern, group in _GROUPS:
        if re.search(rf"\b(?:{pattern})\b", text):
            return group
    return None


# --- symbols ----------------------------------------------------------------------------------

# Tickers that are also English words (or question words): accepted only in upper case.
_WORDLIKE = frozenset(
    """a all an and any are as at be best big buy can car cash chat close day deck do eat elf
    ever eye fast for fun go good grid has he high hype i if in is it key last lit live love
    low main man me most new next nice now of on one open or out pave play price rate real
    run safe see sell shy so sol tan tech the top true two up us very was week well were
    what when who why win work year yes you ytd etf usd cpi gdp vix fed""".split()
)
# Name words too vague to stand for one instrument on their own.
_VAGUE_NAME_WORDS = frozenset(
    """the on first global energy technology real utilities general digital iron advanced
    super quantum rocket bank united international ishares vanguard spdr invesco ark schwab
    vaneck pacer range roundhill defiance sprott select core total eli ge bwx d e""".split()
)
_NAME_SUFFIXES = re.compile(
    r"(?:,?\s+(?:inc|incorporated|corporation|corp|company|co|plc|ltd|ag|n\.v|s\.a|holdings?"
    r"|group|class [a-z]|etf|trust|fund|index|shares|&))+\.?$"
)
_CURATED_ALIASES = {
    "google": "GOOGL", "facebook": "META", "berkshire": "BRK.B", "ether": "ETH",
    "coke": "KO", "lilly": "LLY", "exxon": "XOM", "procter": "PG", "p&g": "PG", "j&j": "JNJ",
    "nasdaq 100": "QQQ", "nasdaq-100": "QQQ",
}  # fmt: skip
_TOKEN = re.compile(r"(?<![\w.$])\$?([A-Za-z][A-Za-z0-9]*(?:[.\-/][A-Za-z0-9]+)?)(?!\w)")


def find_symbols(question: str, vocabulary: Vocabulary) -> list[str]:
    """Return the symbols a question names, in the order it names them."""
    found: list[tuple[int, str]] = []
    masked = question.lower()
    for alias, symbol in _aliases(vocabulary.symbols):
        pattern = rf"(?<![\w&]){re.escape(alias)}(?![\w&])"
        for match in re.finditer(pattern, masked):
            found.append((match.start(), symbol))
            masked = masked[: match.start()] + " " * len(alias) + masked[match.end() :]
    shouting = question.isupper()
    for match in _TOKEN.finditer(question):
        if masked[match.start(1)] == " ":
            continue  # inside a name already matched
        for symbol in _ticker_readings(match[1], vocabulary.symbols, shouting):
            found.append((match.start(1), symbol))
    return list(dict.fromkeys(symbol for _, symbol in sorted(found)))


def _ticker_readings(token: str, symbols: Mapping[str, str], shouting: bool) -> Iterator[str]:
    joined = re.sub(r"[-/]", ".", token).upper()
    parts = [token] if joined in symbols else re.split(r"[.\-/]", token)
    for part in parts:
        symbol = re.sub(r"[-/]", ".", part).upper()
        if symbol in symbols and _accepted(part, symbol, shouting):
            yield symbol


def _accepted(written: str, symbol: str, shouting: bool) -> bool:
    if written.isupper() and not shouting:
        return True
    return len(symbol) > 2 and symbol.lower() not in _WORDLIKE


def _aliases(symbols: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return (name alias, symbol) pairs, longest alias first; ambiguous aliases dropped."""
    full: dict[str, set[str]] = {}
    first: dict[str, set[str]] = {}
    for symbol, name in symbols.items():
        cleaned = _clean_name(name)
        if cleaned and cleaned != symbol.lower():
            full.setdefault(cleaned, set()).add(symbol)
        word = cleaned.split(" ")[0] if cleaned else ""
        if len(word) >= 4 and word not in _VAGUE_NAME_WORDS:
            first.setdefault(word, set()).add(symbol)
    aliases = {alias: next(iter(s)) for alias, s in first.items() if len(s) == 1}
    aliases.update({alias: next(iter(s)) for alias, s in full.items() if len(s) == 1})
    aliases.update({a: s for a, s in _CURATED_ALIASES.items() if s in symbols})
    return sorted(aliases.items(), key=lambda item: (-len(item[0]), item[0]))


def _clean_name(name: str) -> str:
    cleaned = re.sub(r"\s+", " ", name.lower()).strip()
    cleaned = re.sub(r"^the ", "", cleaned)
    cleaned = re.sub(r"\.com\b", "", cleaned)
    cleaned = _NAME_SUFFIXES.sub("", cleaned)
    return cleaned.strip(" ,.")


# --- economic series --------------------------------------------------------------------------

_SERIES_WORDS = (
    (r"yield curve|(?:term |10s?2s |2s10s |10y-?2y |yield )spread|10y2y|10-year minus 2-year",
     "T10Y2Y"),
    (r"(?:10|ten)[- ]?(?:year|yr|y)\b(?: treasury| note| yield| rate)*|10y yield", "DGS10"),
    (r"(?:2|two)[- ]?(?:year|yr|y)\b(?: treasury| note| yield| rate)*|2y yield", "DGS2"),
    (r"\bvix\b|volatility index|fear (?:index|gauge)", "VIXCLS"),
    (r"fed funds|federal funds|policy rate|fed rate", "FEDFUNDS"),
    (r"\bcpi\b|consumer price|inflation", "CPIAUCSL"),
    (r"unemployment|jobless rate", "UNRATE"),
    (r"\bgdp\b|gross domestic product|economic output", "GDP"),
)  # fmt: skip
_TITLE_STOPWORDS = frozenset("the for all and from with basis in of on at to u.s. us".split())
_MIN_TITLE_WORDS = 3


def find_series(text: str, vocabulary: Vocabulary) -> list[str]:
    """Return the economic series a (lower-case) question names, in the order it names them."""
    found: list[tuple[int, str]] = []
    patterns = [(rf"\b{re.escape(s.lower())}\b", s) for s in vocabulary.series]
    for pattern, series_id in [*patterns, *_SERIES_WORDS]:
        for match in re.finditer(pattern, text):
            found.append((match.start(), series_id))
            text = text[: match.start()] + " " * len(match[0]) + text[match.end() :]
    if not found and (titled := _series_by_title(text, vocabulary.series)):
        found.append((0, titled))
    return list(dict.fromkeys(series_id for _, series_id in sorted(found)))


def _series_by_title(text: str, titles: Mapping[str, str]) -> str | None:
    words = set(re.findall(r"[a-z0-9.\-]+", text))
    scored = sorted(
        ((len(_title_words(title) & words), series_id) for series_id, title in titles.items()),
        reverse=True,
    )
    if not scored or scored[0][0] < _MIN_TITLE_WORDS:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def _title_words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9.\-]+", title.lower()) if w not in _TITLE_STOPWORDS}
