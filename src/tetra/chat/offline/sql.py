"""SQL the offline translator writes: one readable DuckDB query per question shape.

Each builder returns a `Built`: the SQL, the one sentence saying what it computes, and the
tables it reads. Periods relative to "now" are relative to the latest row in the data (a
subquery such as ``(SELECT MAX(ts) FROM market_data.ohlcv WHERE symbol = 'SPY')``), never to
the wall clock, so an answer depends on the store only. Returns are close to close, in percent:
from the last close before the period to the last close inside it. News shapes read news
only: the social posts stored beside it are left out, and their windows count back from the
latest news article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from tetra.chat.offline.parse import ALL_TIME, Group, Period
from tetra.data.social import COMMUNITY_PREFIX, SOCIAL_SOURCES

__all__ = [
    "ARTICLES",
    "COVERAGE",
    "INDICATORS",
    "OHLCV",
    "SENTIMENT",
    "SYMBOLS",
    "Built",
    "average_volume",
    "close_series",
    "coverage_of_datasets",
    "coverage_of_symbols",
    "extreme_close",
    "headlines",
    "latest_closes",
    "latest_values",
    "price_history",
    "returns",
    "sentiment",
    "series_history",
    "words",
]

OHLCV = "market_data.ohlcv"
SYMBOLS = "market_data.symbols"
INDICATORS = "economic_data.indicators"
SENTIMENT = "news.sentiment"
ARTICLES = "news.articles"
COVERAGE = "ops.coverage"
_CURRENT = "realtime_end = DATE '9999-12-31'"  # the current vintage of an observation
# Social posts share news.articles (and their scores news.sentiment) with news; a row is a post
# when its source is a social one or its publisher a community, as `tetra.data.social.is_social`
# says. News questions read the other rows only; a NULL publisher is news.
_SOCIAL_SOURCES = ", ".join("'" + s + "'" for s in sorted(SOCIAL_SOURCES))
_NEWS_ONLY = (
    f"source NOT IN ({_SOCIAL_SOURCES}) AND COALESCE(publisher, '') NOT LIKE '{COMMUNITY_PREFIX}%'"
)
_NEWS_CTE = "news_only"
_LATEST_NEWS = f"(SELECT MAX(published_at) FROM {_NEWS_CTE})"
_LEFT_OUT = "; social posts are left out."


@dataclass(frozen=True, slots=True)
class Built:
    """One query: DuckDB SQL, what it computes (one sentence) and the tables it reads.

    `tree` is the sqlglot expression when the query was built as one (rendered in the store's
    dialect); the older text-templated shapes leave it None and are transpiled from DuckDB.
    """

    sql: str
    explanation: str
    tables: frozenset[str]
    tree: exp.Expression | None = None


def quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def words(values: Sequence[str]) -> str:
    """Return "A", "A and B" or "A, B and C"."""
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def _in(column: str, values: Sequence[str]) -> str:
    if len(values) == 1:
        return f"{column} = {quoted(values)}"
    return f"{column} IN ({quoted(values)})"


def _where(conditions: Sequence[str], indent: str = "") -> str:
    return f"{indent}WHERE\n{indent}  " + f"\n{indent}  AND ".join(conditions)


def _latest_bar(symbols: Sequence[str]) -> str:
    return f"(SELECT MAX(ts) FROM {OHLCV} WHERE {_in('symbol', symbols)})"


def _members(group: Group) -> str:
    return f"symbol IN (SELECT symbol FROM {SYMBOLS} WHERE {group.column} = '{group.value}')"


# --- market data ------------------------------------------------------------------------------


def latest_closes(symbols: Sequence[str]) -> Built:
    sql = f"""SELECT
  bar.symbol,
  CAST(bar.ts AS DATE) AS date,
  bar.close
FROM {OHLCV} AS bar
WHERE
  {_in("bar.symbol", symbols)}
  AND bar.interval = '1d'
  AND bar.ts = (SELECT MAX(ts) FROM {OHLCV} WHERE symbol = bar.symbol AND interval = '1d')
ORDER BY bar.symbol"""
    dates = "its date" if len(symbols) == 1 else "their dates"
    return Built(sql, f"the latest daily close of {words(symbols)}, with {dates}.", _t(OHLCV))


def returns(
    period: Period,
    what: str,
    *,
    symbols: Sequence[str] = (),
    group: Group | None = None,
    limit: int | None = None,
    order: str = "return_pct DESC",
) -> Built:
    """Close-to-close returns per symbol: of `symbols`, of a `group`, or of every symbol."""
    filters = [_in("symbol", symbols)] if symbols else [_members(group)] if group else []
    latest = ",\n    MAX(ts) OVER (PARTITION BY symbol) AS latest_ts" if period.relative else ""
    start = period.before("ts", "latest_ts")
    start_ts = f"MAX(CASE WHEN {start} THEN ts END)" if start else "MIN(ts)"
    ends = [c for c in period.window("ts", "latest_ts") if " < " in c]
    end_ts = f"MAX(CASE WHEN {ends[0]} THEN ts END)" if ends else "MAX(ts)"
    sql = f"""WITH bars AS (
  SELECT
    symbol,
    ts,
    close{latest}
  FROM {OHLCV}
{_where([*filters, "interval = '1d'"], "  ")}
),
period AS (
  SELECT
    symbol,
    {start_ts} AS start_ts,
    {end_ts} AS end_ts
  FROM bars
  GROUP BY symbol
)
SELECT
  period.symbol,
  CAST(period.start_ts AS DATE) AS start_date,
  CAST(period.end_ts AS DATE) AS end_date,
  100 * (end_bar.close / start_bar.close - 1) AS return_pct
FROM period
JOIN bars AS start_bar
  ON start_bar.symbol = period.symbol AND start_bar.ts = period.start_ts
JOIN bars AS end_bar
  ON end_bar.symbol = period.symbol AND end_bar.ts = period.end_ts
ORDER BY {order}""" + (f"\nLIMIT {limit}" if limit else "")
    tables = _t(OHLCV, SYMBOLS) if group and not symbols else _t(OHLCV)
    return Built(sql, what, tables)


def price_history(symbol: str, period: Period, *, ohlc: bool = False) -> Built:
    columns = "open,\n  high,\n  low,\n  close,\n  volume" if ohlc else "close"
    window = period.window("ts", _latest_bar([symbol]))
    sql = f"""SELECT
  CAST(ts AS DATE) AS date,
  {columns}
FROM {OHLCV}
{_where([_in("symbol", [symbol]), "interval = '1d'", *window])}
ORDER BY date"""
    what = "daily open, high, low, close and volume" if ohlc else "daily closes"
    return Built(sql, f"the {what} of {symbol} {period.describe('its', 'bar')}.", _t(OHLCV))


def close_series(symbols: Sequence[str], period: Period) -> Built:
    """Daily closes of several symbols side by side, one column per symbol (for a chart)."""
    columns = ",\n  ".join(
        f"MAX(CASE WHEN symbol = {quoted([s])} THEN close END) AS {_column_name(s)}"
        for s in symbols
    )
    window = period.window("ts", _latest_bar(symbols))
    sql = f"""SELECT
  CAST(ts AS DATE) AS date,
  {columns}
FROM {OHLCV}
{_where([_in("symbol", symbols), "interval = '1d'", *window])}
GROUP BY ts
ORDER BY ts"""
    span = period.describe("their", "bar")
    return Built(sql, f"the daily closes of {words(symbols)} side by side {span}.", _t(OHLCV))


def extreme_close(symbol: str, period: Period, *, highest: bool) -> Built:
    window = period.window("ts", _latest_bar([symbol]))
    sql = f"""SELECT
  CAST(ts AS DATE) AS date,
  close
FROM {OHLCV}
{_where([_in("symbol", [symbol]), "interval = '1d'", *window])}
ORDER BY close {"DESC" if highest else "ASC"}
LIMIT 1"""
    which = "highest" if highest else "lowest"
    span = period.describe("its", "bar")
    return Built(sql, f"the {which} daily close of {symbol} {span}, with its date.", _t(OHLCV))


def average_volume(symbols: Sequence[str], period: Period) -> Built:
    window = period.window("ts", _latest_bar(symbols))
    sql = f"""SELECT
  symbol,
  AVG(volume) AS average_volume
FROM {OHLCV}
{_where([_in("symbol", symbols), "interval = '1d'", *window])}
GROUP BY symbol
ORDER BY symbol"""
    span = period.describe("its" if len(symbols) == 1 else "their", "bar")
    return Built(sql, f"the average daily volume of {words(symbols)} {span}.", _t(OHLCV))


def _column_name(symbol: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in symbol.lower())


# --- coverage ---------------------------------------------------------------------------------


def coverage_of_symbols(symbols: Sequence[str] = (), group: Group | None = None) -> Built:
    where = _in("symbol", symbols) if symbols else _members(group) if group else "TRUE"
    sql = f"""SELECT
  dataset,
  symbol,
  first,
  last,
  expected,
  stored,
  missing
FROM {COVERAGE}
WHERE {where}
ORDER BY dataset, symbol"""
    who = words(symbols) if symbols else group.label if group else "every symbol"
    tables = _t(COVERAGE, SYMBOLS) if group and not symbols else _t(COVERAGE)
    return Built(
        sql,
        f"the stored coverage of {who}: first and last day, expected, stored and missing rows.",
        tables,
    )


def coverage_of_datasets(dataset: str | None) -> Built:
    where = f"WHERE dataset = {quoted([dataset])}\n" if dataset else ""
    sql = f"""SELECT
  dataset,
  COUNT(*) AS symbols,
  MIN(first) AS first,
  MAX(last) AS last,
  SUM(expected) AS expected,
  SUM(stored) AS stored,
  SUM(missing) AS missing
FROM {COVERAGE}
{where}GROUP BY dataset
ORDER BY dataset"""
    which = f"of {dataset}" if dataset else "of each dataset"
    return Built(
        sql,
        f"the coverage {which} over all its symbols: first and last day, expected, stored "
        "and missing rows.",
        _t(COVERAGE),
    )


# --- macro ------------------------------------------------------------------------------------


def latest_values(series: Sequence[str]) -> Built:
    sql = f"""SELECT
  observation.series_id,
  observation.date,
  observation.value
FROM {INDICATORS} AS observation
JOIN (
  SELECT
    series_id,
    MAX(date) AS date
  FROM {INDICATORS}
  WHERE {_in("series_id", series)} AND {_CURRENT}
  GROUP BY series_id
) AS newest
  ON newest.series_id = observation.series_id AND newest.date = observation.date
WHERE observation.{_CURRENT}
ORDER BY observation.series_id"""
    dates = "its date" if len(series) == 1 else "their dates"
    return Built(
        sql, f"the latest value of {words(series)} (current vintage), with {dates}.", _t(INDICATORS)
    )


def series_history(series: Sequence[str], period: Period) -> Built:
    latest = f"(SELECT MAX(date) FROM {INDICATORS} WHERE {_in('series_id', series)})"
    conditions = [_in("series_id", series), _CURRENT, *period.window("date", latest)]
    keys = ["series_id", "date"] if len(series) > 1 else ["date"]
    selected = ",\n  ".join(keys)
    sql = f"""SELECT
  {selected},
  value
FROM {INDICATORS}
{_where(conditions)}
ORDER BY {", ".join(keys)}"""
    span = period.describe("its" if len(series) == 1 else "their", "observation")
    return Built(sql, f"the values of {words(series)} {span} (current vintage).", _t(INDICATORS))


# --- news -------------------------------------------------------------------------------------


def sentiment(symbols: Sequence[str], period: Period, *, by_label: bool) -> Built:
    """Sentiment of news articles (social posts left out), per symbol and scoring method."""
    who = [_in("symbol", symbols)] if symbols else ["symbol <> '*'"]
    news = f"article_id IN (SELECT article_id FROM {_NEWS_CTE})"
    conditions = [*who, news, *period.window("published_at", _LATEST_NEWS)]
    keys = "symbol,\n  method,\n  label" if by_label else "symbol,\n  method"
    measures = (
        "COUNT(*) AS articles"
        if by_label
        else "COUNT(*) AS articles,\n  AVG(score) AS average_score"
    )
    order = keys.replace(",\n  ", ", ")
    sql = f"""{_with_news("article_id", "published_at")}
SELECT
  {keys},
  {measures}
FROM {SENTIMENT}
{_where(conditions)}
GROUP BY {order}
ORDER BY {order}"""
    what = (
        "the number of news articles by sentiment label"
        if by_label
        else ("the number of scored news articles and their average sentiment score")
    )
    who_words = words(symbols) if symbols else "each symbol"
    span = "" if period == ALL_TIME else " " + period.describe("the", "news article")
    return Built(
        sql, f"{what} for {who_words}, per scoring method{span}{_LEFT_OUT}", _t(SENTIMENT, ARTICLES)
    )


def headlines(symbol: str, period: Period, limit: int) -> Built:
    """The latest news headlines about a symbol (social posts left out)."""
    conditions = [
        f"article_id IN (SELECT article_id FROM {SENTIMENT} WHERE symbol = {quoted([symbol])})",
        *period.window("published_at", _LATEST_NEWS),
    ]
    sql = f"""{_with_news("article_id", "published_at", "title", "publisher")}
SELECT
  published_at,
  title,
  publisher
FROM {_NEWS_CTE}
{_where(conditions)}
ORDER BY published_at DESC
LIMIT {limit}"""
    span = "" if period == ALL_TIME else " " + period.describe("the", "news article")
    return Built(
        sql,
        f"the {limit} latest news headlines about {symbol}{span}{_LEFT_OUT}",
        _t(ARTICLES, SENTIMENT),
    )


def _with_news(*columns: str) -> str:
    """Return a WITH clause naming the news articles (not social posts) `news_only`."""
    selected = ",\n    ".join(columns)
    return f"""WITH {_NEWS_CTE} AS (
  SELECT
    {selected}
  FROM {ARTICLES}
  WHERE {_NEWS_ONLY}
)"""


def _t(*tables: str) -> frozenset[str]:
    return frozenset(tables)
