"""Price statistics per symbol: the median close, the widest or narrowest daily range, CAGR.

`price_statistics` reads "median close of AAPL in 2024", "AAPL's largest intraday range in
2024" (high minus low of a daily bar, with its date) and "the annualized return of SPY over
the last 5 years" (the return of the returns convention, compounded per year: over the last
N years by 1/N, over dates by 365.25 over the days between the two closes). Annualising a
span shorter than a year, or without a span, is refused.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tetra.chat.offline.families import Selection
from tetra.chat.offline.parse import Period
from tetra.chat.offline.question import Question, refuse
from tetra.chat.offline.sql import OHLCV, Built

__all__ = ["PRICE_WORDS", "price_statistics"]

_DIALECT = "duckdb"
_MEDIAN = re.compile(r"\bmedian (?:daily )?(?:close|closing price|price)s?\b")
_RANGE = re.compile(
    r"\b(largest|biggest|widest|greatest|smallest|narrowest|tightest)\s+"
    r"(?:(?:intraday|daily|high[- ]low|trading|day's|one[- ]day)\s+)*range\b"
)
_ANNUALISED = re.compile(
    r"\bannuali[sz]ed (?:total )?returns?\b|\bcagr\b|\bcompound(?:ed)? annual (?:growth|return)"
    r"(?: rate)?\b|\bannual(?:ly)? compounded returns?\b"
)
_THRESHOLD = re.compile(
    r"\b(?:how many|number of) (?:trading )?(?:days|sessions|times)\b.{0,40}?\bclos(?:e|ed|ing)"
    r"(?: price)? (above|below|over|under|higher than|lower than) \$?(\d+(?:\.\d+)?)\b"
)
PRICE_WORDS = re.compile(
    f"{_MEDIAN.pattern}|{_RANGE.pattern}|{_ANNUALISED.pattern}|intraday|{_THRESHOLD.pattern}"
)
_EXAMPLE = "What is the annualized return of SPY over the last 5 years?"


def price_statistics(q: Question) -> Built | None:
    """Return the query of a median, daily-range or annualised-return question, or None."""
    median, widest, annual, threshold = (
        p.search(q.text) for p in (_MEDIAN, _RANGE, _ANNUALISED, _THRESHOLD)
    )
    if not (median or widest or annual or threshold) or q.series:
        return None
    if not q.symbols:
        refuse("it needs the symbols whose prices to summarise.", _EXAMPLE)
    selection = Selection(q.symbols)
    if annual:
        return _annualised(selection, q.period)
    period = q.period or Period("all")
    if threshold:
        above = threshold[1] in ("above", "over", "higher than")
        return _days_beyond(selection, period, float(threshold[2]), above=above)
    if median:
        return _median(selection, period)
    assert widest is not None
    return _range(selection, period, widest=widest[1] not in ("smallest", "narrowest", "tightest"))


def _bars(selection: Selection, *columns: str) -> exp.Select:
    query = exp.select("symbol", "ts", *columns, "MAX(ts) OVER (PARTITION BY symbol) AS latest_ts",
                       dialect=_DIALECT).from_(OHLCV)  # fmt: skip
    for condition in ("interval = '1d'", selection.condition()):
        if condition:
            query = query.where(condition, dialect=_DIALECT)
    return query


def _finish(
    query: exp.Select, bars: exp.Select, what: str, *after: tuple[str, exp.Select]
) -> Built:
    tree = query.with_("bars", as_=bars, dialect=_DIALECT)
    for name, body in after:
        tree = tree.with_(name, as_=body, dialect=_DIALECT)
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, frozenset({OHLCV}), tree)


def _inside(query: exp.Select, period: Period) -> exp.Select:
    for condition in period.window("ts", "latest_ts"):
        query = query.where(condition, dialect=_DIALECT)
    return query


def _span(period: Period) -> str:
    return "over all the history" if period.kind == "all" else period.describe("its", "bar")


def _median(selection: Selection, period: Period) -> Built:
    query = exp.select("symbol", "MEDIAN(close) AS median_close", dialect=_DIALECT).from_("bars")
    query = _inside(query, period).group_by("symbol", dialect=_DIALECT)
    what = f"the median daily close of {selection.describe()} {_span(period)}."
    return _finish(query.order_by("symbol", dialect=_DIALECT), _bars(selection, "close"), what)


def _days_beyond(selection: Selection, period: Period, level: float, *, above: bool) -> Built:
    side = ">" if above else "<"
    query = exp.select(
        "symbol", f"SUM(CASE WHEN close {side} {level!r} THEN 1 ELSE 0 END) AS days",
        dialect=_DIALECT,
    ).from_("bars")  # fmt: skip
    query = _inside(query, period).group_by("symbol", dialect=_DIALECT)
    where = "above" if above else "below"
    what = (
        f"the number of daily bars of {selection.describe()} {_span(period)} whose close was "
        f"strictly {where} {level:g}."
    )
    return _finish(query.order_by("symbol", dialect=_DIALECT), _bars(selection, "close"), what)


def _range(selection: Selection, period: Period, *, widest: bool) -> Built:
    order = "high - low DESC" if widest else "high - low ASC"
    query = exp.select("symbol", "CAST(ts AS DATE) AS date", "high - low AS day_range",
                       dialect=_DIALECT).from_("bars")  # fmt: skip
    query = _inside(query, period).qualify(
        f"ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY {order}, ts) = 1", dialect=_DIALECT
    )
    which = "widest" if widest else "narrowest"
    what = (
        f"the {which} daily range (high minus low of one daily bar) of {selection.describe()} "
        f"{_span(period)}, with its date."
    )
    return _finish(
        query.order_by("symbol", dialect=_DIALECT), _bars(selection, "high", "low"), what
    )


def _annualised(selection: Selection, period: Period | None) -> Built:
    years = period is not None and period.kind == "trailing" and period.unit == "YEAR"
    dated = period is not None and period.kind == "dates" and period.first is not None
    if period is None or not (years or dated):
        refuse(
            "it annualises a return over whole trailing years or from a date; a shorter or "
            "unnamed span would not say what it compounds.",
            _EXAMPLE,
        )
    start = period.before("ts", "latest_ts")
    ends = [c for c in period.window("ts", "latest_ts") if " < " in c]
    end = f"MAX(CASE WHEN {ends[0]} THEN ts END)" if ends else "MAX(ts)"
    spans = (
        exp.select("symbol", f"MAX(CASE WHEN {start} THEN ts END) AS start_ts", f"{end} AS end_ts",
                   dialect=_DIALECT)
        .from_("bars").group_by("symbol", dialect=_DIALECT)
    )  # fmt: skip
    exponent = (
        f"1.0 / {period.amount}"
        if years
        else "365.25 / (CAST(s.end_ts AS DATE) - CAST(s.start_ts AS DATE))"
    )
    query = (
        exp.select(
            "s.symbol",
            f"100 * (POWER(e.close / b.close, {exponent}) - 1) AS annualized_return_pct",
            dialect=_DIALECT,
        )
        .from_("spans AS s")
        .join("bars AS b", on="b.symbol = s.symbol AND b.ts = s.start_ts", dialect=_DIALECT)
        .join("bars AS e", on="e.symbol = s.symbol AND e.ts = s.end_ts", dialect=_DIALECT)
        .order_by("s.symbol", dialect=_DIALECT)
    )  # fmt: skip
    per_year = f"to the power 1/{period.amount}" if years else "to the power 365.25 / days"
    what = (
        f"the annualized return of {selection.describe()} {period.describe('its', 'bar')}: "
        f"the close-to-close growth from the last close before the period to the last in it, "
        f"{per_year}, minus one, in percent."
    )
    return _finish(query, _bars(selection, "close"), what, ("spans", spans))
