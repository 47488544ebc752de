"""Statistics of daily, weekly or monthly returns: their mean, the Sharpe ratio, up and down counts.

`return_statistics` reads "the average daily return of QQQ in 2023", "Sharpe ratio of QQQ in
2024", "how many down weeks did SPY have in 2024?" and builds one query per symbol over the
returns of `families` (a week or month is its last close over the previous one's, and belongs
to the period of its last bar). An average return without its span ("average return") is
refused: the mean of daily returns is not the mean of monthly ones.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tetra.chat.offline.families import Selection, daily_moves, period_moves
from tetra.chat.offline.parse import ALL_TIME, Period
from tetra.chat.offline.question import Question, keywords, refuse
from tetra.chat.offline.sql import OHLCV, SYMBOLS, Built

__all__ = ["STATISTIC_WORDS", "return_statistics"]

_DIALECT = "duckdb"
_CRYPTO = f"symbol IN (SELECT symbol FROM {SYMBOLS} WHERE asset_class = 'crypto')"
_UNITS = {"daily": "DAY", "day": "DAY", "weekly": "WEEK", "week": "WEEK", "monthly": "MONTH",
          "month": "MONTH"}  # fmt: skip
_NOUNS = {"DAY": "day", "WEEK": "week", "MONTH": "month"}
_MEAN = re.compile(
    r"\b(?:average|mean|avg)\s+(?:(daily|weekly|monthly)\s+)?(?:returns?|performance|gains?)\b"
    r"(?:\s+per\s+(day|week|month))?"
)
_SHARPE = keywords(r"sharpe(?: ratio)?")
_COUNT = re.compile(
    r"\b(?:how many|number of|count of|count the)\s+(up|down|positive|negative|green|red|"
    r"winning|losing|gaining|falling)\s+(days|sessions|weeks|months)\b"
)
STATISTIC_WORDS = re.compile(
    rf"{_MEAN.pattern}|\bsharpe(?: ratio)?|{_COUNT.pattern}|\bannuali[sz]ed\b"
)
_UP = ("up", "positive", "green", "winning", "gaining")
_EXAMPLE = "What was the average daily return of QQQ in 2023?"


def return_statistics(q: Question) -> Built | None:
    """Return the query of a return-statistics question, or None."""
    mean, count = _MEAN.search(q.text), _COUNT.search(q.text)
    sharpe = q.has(_SHARPE)
    if not (mean or count or sharpe) or q.series:
        return None
    if sum(map(bool, (mean, count, sharpe))) > 1:
        refuse("it computes one statistic of returns at a time.", _EXAMPLE)
    if not q.symbols and q.group is None and q.theme is None:
        refuse("it needs the symbols whose returns to summarise.", _EXAMPLE)
    selection = q.selection()
    period = q.period or ALL_TIME
    if sharpe:
        if q.has(keywords(r"risk[- ]free|excess|weekly|monthly|rolling")):
            refuse(
                "it computes the Sharpe ratio of daily returns without a risk-free rate.",
                "Sharpe ratio of QQQ in 2024",
            )
        return _statistic(selection, "DAY", period, "sharpe")
    if mean:
        word = mean[1] or mean[2]
        if word is None:
            refuse(
                "it needs the span of the returns to average (daily, weekly or monthly).", _EXAMPLE
            )
        return _statistic(selection, _UNITS[word], period, "mean")
    assert count is not None
    unit = _UNITS[count[2].rstrip("s").replace("session", "day")]
    return _statistic(selection, unit, period, "up" if count[1] in _UP else "down")


def _statistic(selection: Selection, unit: str, period: Period, kind: str) -> Built:
    noun = _NOUNS[unit]
    adjective = "daily" if noun == "day" else f"{noun}ly"
    measures = {
        "mean": (f"100 * AVG(change) AS average_{adjective}_return_pct",
                 f"the mean {adjective} return",
                 "the average of the close-to-close returns, in percent"),
        "sharpe": (
            f"AVG(change) / STDDEV_SAMP(change) * SQRT(CASE WHEN {_CRYPTO} THEN 365 ELSE 252 END)"
            " AS sharpe",
            "the Sharpe ratio",
            "the mean of daily returns over their sample standard deviation, x sqrt(252) "
            "(sqrt(365) for crypto), with no risk-free rate",
        ),
        "up": (f"SUM(CASE WHEN change > 0 THEN 1 ELSE 0 END) AS up_{noun}s",
               f"the number of up {noun}s", f"{noun}s that closed above the previous close"),
        "down": (f"SUM(CASE WHEN change < 0 THEN 1 ELSE 0 END) AS down_{noun}s",
                 f"the number of down {noun}s", f"{noun}s that closed below the previous close"),
    }  # fmt: skip
    column, title, definition = measures[kind]
    moves = daily_moves(selection) if unit == "DAY" else period_moves(selection, unit)
    query = exp.select("symbol", column, dialect=_DIALECT).from_("moves")
    for condition in ("change IS NOT NULL", *period.window("ts", "latest_ts")):
        query = query.where(condition, dialect=_DIALECT)
    query = query.group_by("symbol", dialect=_DIALECT).order_by("symbol", dialect=_DIALECT)
    tree = query.with_("moves", as_=moves, dialect=_DIALECT)
    span = "over all the history" if period == ALL_TIME else period.describe("its", "bar")
    belongs = "" if unit == "DAY" else f" (a {noun} belongs to the period of its last bar)"
    explanation = f"{title} of {selection.describe()} {span}: {definition}{belongs}."
    tables = (
        frozenset({OHLCV})
        | selection.tables
        | (frozenset({SYMBOLS}) if kind == "sharpe" else frozenset())
    )
    return Built(tree.sql(dialect=_DIALECT, pretty=True), explanation, tables, tree)
