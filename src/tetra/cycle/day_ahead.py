"""The report's day ahead: its calendar (macro releases, earnings) and the news on held names.

Both reports of a session prepare the next one (`report_day`): the start-of-day report is
sent the morning after the close it was decided at, the end-of-day report lists what is
pending for tomorrow. The calendar lists what is scheduled that day, from
``events.economic_events`` (time, importance, forecast, previous), ``economic_data.releases``
(release dates) and the vintages of ``economic_data.indicators`` (a series whose new value
becomes known that day), and the earnings in ``events.earnings`` of the book's names (held
ones flagged). Release schedules and earnings dates are public ahead of time; outcomes are
not, so no actual value is shown and a replayed report knows nothing it could not have known.

The news is the strongest-sentiment headlines on held names published in the `NEWS_DAYS`
calendar days up to the end of the session day (UTC): nothing after the session.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from typing import Any

from tetra.data.calendars import sessions
from tetra.data.ports import Query, Store
from tetra.data.social import is_social
from tetra.reports.daily import CalendarLine, NewsLine

NEWS_DAYS = 3
NEWS_LINES = 8
# Which score speaks for an article when it has several: the vendor's, then the finance lexicon.
METHOD_ORDER = ("vendor", "loughran_mcdonald", "finance_lexicon", "vader")
ONE_DAY = dt.timedelta(days=1)


def report_day(session: dt.date) -> dt.date:
    """Return the day the reports of `session` prepare: the next NYSE session."""
    ahead = sessions(session + ONE_DAY, session + dt.timedelta(days=10))
    return dt.date.fromisoformat(str(ahead[0])) if len(ahead) else session + ONE_DAY


def calendar_lines(
    store: Store, day: dt.date, symbols: Iterable[str], held: Collection[str]
) -> list[CalendarLine]:
    """Return the macro releases and the earnings of `symbols` scheduled on `day`."""
    lines = _economic_events(store, day) + _releases(store, day)
    lines += _earnings(store, day, sorted(set(symbols)), held)
    return sorted(lines, key=lambda c: (c.kind != "macro", c.time, c.event))


def news_lines(store: Store, session: dt.date, held: Collection[str]) -> list[NewsLine]:
    """Return the `NEWS_LINES` headlines on `held` names with the strongest sentiment."""
    if not held:
        return []
    end = _midnight(session + ONE_DAY)
    start = end - dt.timedelta(days=NEWS_DAYS)
    query = Query("news.sentiment", where={"symbol": sorted(held)}, start=start, end=end)
    scores = _best_scores(store.read_arrow(query).to_pylist())
    if not scores:
        return []
    ids = sorted({article_id for article_id, _ in scores})
    articles = {
        r["article_id"]: r
        for r in store.read_arrow(Query("news.articles", where={"article_id": ids})).to_pylist()
        if not is_social(r["source"], r["publisher"])  # headlines are news, not posts
    }
    lines = [
        _news_line(articles[article_id], symbol, row)
        for (article_id, symbol), row in scores.items()
        if article_id in articles
    ]
    lines.sort(key=lambda n: (-abs(n.score), n.published_at, n.symbol))
    return lines[:NEWS_LINES]


def _economic_events(store: Store, day: dt.date) -> list[CalendarLine]:
    query = Query("events.economic_events", start=_midnight(day), end=_midnight(day + ONE_DAY))
    lines = []
    for row in store.read_arrow(query).to_pylist():
        known = [
            f"{label} {_number(row[key])}{_unit(row)}"
            for label, key in (("forecast", "forecast"), ("previous", "previous"))
            if _is_number(row[key])
        ]
        importance = f"{row['importance']} importance" if row["importance"] else ""
        where = row["country"] or ""
        lines.append(
            CalendarLine(
                day=day,
                kind="macro",
                event=str(row["event"]),
                time=f"{_utc(row['ts']):%H:%M} UTC",
                detail="; ".join(x for x in (where, importance, *known) if x),
            )
        )
    return lines


def _releases(store: Store, day: dt.date) -> list[CalendarLine]:
    named = store.read_arrow(Query("economic_data.releases", start=day, end=day + ONE_DAY))
    titles = {r["series_id"]: r["title"] or r["release_name"] for r in named.to_pylist()}
    vintages = store.read_arrow(
        Query(
            "economic_data.indicators",
            where={"realtime_start": day},
            columns=["series_id", "date"],
        )
    ).to_pylist()
    series = sorted(set(titles) | {r["series_id"] for r in vintages})
    if series and len(titles) < len(series):
        known = Query("economic_data.releases", where={"series_id": series})
        for row in store.read_arrow(known).to_pylist():
            titles.setdefault(row["series_id"], row["title"] or row["release_name"])
    return [
        CalendarLine(
            day=day,
            kind="macro",
            event=f"{titles.get(s) or s} release",
            detail=f"series {s}",
        )
        for s in series
    ]


def _earnings(
    store: Store, day: dt.date, symbols: list[str], held: Collection[str]
) -> list[CalendarLine]:
    if not symbols:
        return []
    query = Query("events.earnings", where={"symbol": symbols}, start=day, end=day + ONE_DAY)
    lines: dict[str, CalendarLine] = {}
    for row in store.read_arrow(query).to_pylist():
        estimate = (
            f"EPS estimate {_number(row['eps_estimate'])}"
            if _is_number(row["eps_estimate"])
            else ""
        )
        period = row["fiscal_period"] or ""
        lines.setdefault(
            row["symbol"],
            CalendarLine(
                day=day,
                kind="earnings",
                event=f"{row['symbol']} earnings" + (f" {period}" if period else ""),
                symbol=row["symbol"],
                time=row["time_of_day"] or "unknown",
                held=row["symbol"] in held,
                detail=estimate,
            ),
        )
    return list(lines.values())


def _best_scores(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["article_id"], row["symbol"])
        if key not in best or _rank(row) < _rank(best[key]):
            best[key] = row
    return best


def _rank(row: dict[str, Any]) -> tuple[int, str, str]:
    method = str(row["method"])
    order = METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)
    return order, method, str(row["source"])


def _news_line(article: dict[str, Any], symbol: str, score: dict[str, Any]) -> NewsLine:
    return NewsLine(
        symbol=symbol,
        published_at=_utc(article["published_at"]),
        title=str(article["title"]),
        publisher=article["publisher"],
        score=round(float(score["score"]), 4),
        method=str(score["method"]),
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _number(value: float) -> str:
    return f"{value:,.4g}"


def _unit(row: dict[str, Any]) -> str:
    unit = row.get("unit")
    return "" if not unit else (unit if unit == "%" else f" {unit}")
