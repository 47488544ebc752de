"""Periods, counts and groups in a question, for the offline translator.

Plain regular expressions and keyword tables, no model: `find_period` reads the time span
("over the last 30 days", "in 2023", "YTD", "between A and B"...), `find_count` a "top N",
`find_group` an asset class or universe group. Names (symbols, series) are in `offline_names`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "ALL_TIME",
    "Group",
    "Period",
    "find_count",
    "find_group",
    "find_period",
    "find_theme",
    "number",
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

    def describe(self, whose: str = "its", row: str = "row") -> str:
        """Return the period in words, e.g. "over the 30 days to its latest bar"."""
        if self.kind == "trailing" and self.amount == 1:
            if self.unit == "DAY":
                return f"from the previous {row} to {whose} latest {row}"
            return f"over the {self.unit.lower()} to {whose} latest {row}"
        if self.kind == "trailing":
            return f"over the {self.amount} {self.unit.lower()}s to {whose} latest {row}"
        if self.kind == "to_date":
            return f"{self.unit.lower()} to date (to {whose} latest {row})"
        if self.first is not None and self.first == self.last:
            return f"on {self.first.isoformat()}"
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
_IN_THE_LAST = re.compile(
    rf"\b(?:in|over|during|within|for|across)\s+(?:the\s+)?(?:last\s+)?{_NUMBER}\s+{_UNIT}\b"
)
_TO_DATE = re.compile(r"\b(ytd|year[- ]to[- ]date|this year|so far this year|mtd|this month|"
                      r"month[- ]to[- ]date|qtd|this quarter|quarter[- ]to[- ]date|wtd|"
                      r"this week|week[- ]to[- ]date)\b")  # fmt: skip
_TO_DATE_UNITS = {"y": "YEAR", "m": "MONTH", "q": "QUARTER", "w": "WEEK"}
_LATEST_DAY = re.compile(r"\b(today|latest session|last session|on the day|1-day|one-day|"
                         r"daily (?:move|change|return|gain|loss)|yesterday)\b")  # fmt: skip
_ALL_TIME = re.compile(r"\b(all[- ]time|ever|full history|whole history|since inception|"
                       r"since (?:its |their )?(?:launch|listing|inception|ipo|debut)|"
                       r"since (?:the )?(?:start|beginning)|entire history)\b")  # fmt: skip
_BETWEEN = re.compile(
    rf"\bbetween\s+{_DATE}\s+(?:and|to|until|till|through|-)\s+{_DATE}"
    rf"|\b(?:from\s+)?{_DATE}\s+(?:to|until|till|through|-)\s+{_DATE}"
)
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
        first, last = (match[1], match[2]) if match[1] else (match[3], match[4])
        return Period("dates", first=_first_day(first), last=_last_day(last))
    if match := _SINCE.search(text):
        return Period("dates", first=_first_day(match[1]))
    for match in _CALENDAR.finditer(text):
        if re.fullmatch(r"\d{4}", match[1]) and _is_quantity(text, match.end()):
            continue
        return Period("dates", first=_first_day(match[1]), last=_last_day(match[1]))
    return None


def _is_quantity(text: str, end: int) -> bool:
    """Tell whether a bare four-digit number is a count ("top 1000 days"), not a year."""
    return (
        re.match(r"\s*(?:days?|weeks?|months?|rows?|bars?|dollars?|\$|%)", text[end:]) is not None
    )


def _to_date(text: str) -> Period | None:
    match = _TO_DATE.search(text)
    if match is None:
        return None
    named = match[1].removeprefix("so far ").removeprefix("this ")
    return Period("to_date", unit=_TO_DATE_UNITS[named[0]])


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
    month_name, year_digits = token.split()
    return int(year_digits), _MONTHS[month_name], None


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
    rf"|\b{_NUMBER}\s+(?:best|worst|top|biggest|largest|strongest|weakest|most|least|stocks|etfs|coins|"
    r"cryptos?|symbols|names|companies|tokens|funds|gainers|losers|movers)\b"
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


_MEMBER_NOUNS = (
    r"themes?|themed|stocks?|etfs?|names|symbols|companies|plays|coins|tokens|funds|equities|"
    r"sector|space|basket"
)


def find_theme(text: str, themes: frozenset[str]) -> str | None:
    """Return the universe theme a question names ("quantum stocks", "the AI infrastructure
    theme"), or None; a theme word alone ("bitcoin") is not read as a theme."""
    for theme in sorted(themes, key=len, reverse=True):
        phrase = re.escape(theme).replace("_", "[ _-]")
        named = (
            rf"\b{phrase}\s+(?:{_MEMBER_NOUNS})\b|\btheme\s+(?:of\s+)?[\"']?{phrase}\b"
            rf"|\btagged\s+(?:with\s+)?[\"']?{phrase}\b"
        )
        if re.search(named, text):
            return theme
    return None
