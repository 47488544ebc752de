"""Economic series, geopolitics and social attention as sqlglot queries.

Each builder returns a `Built` whose tree the translator renders in the store's dialect:
the change of a series over a period and the spread between two (current vintage), the
world's geopolitical index and its most-mentioned events, social mentions per symbol and day.
"""

from __future__ import annotations

from collections.abc import Sequence

from tetra.chat.offline.families import Selection
from tetra.chat.offline.parse import Period
from tetra.chat.offline.sql import Built, quoted, words
from tetra.chat.offline.trees import DIALECT as _DIALECT
from tetra.chat.offline.trees import built as _built
from tetra.chat.offline.trees import select as _select
from tetra.chat.offline.trees import span as _span
from tetra.chat.offline.trees import where as _where

__all__ = [
    "geopolitical_events",
    "geopolitical_index",
    "series_change",
    "series_spread",
    "social_mentions",
]

# --- macro series -----------------------------------------------------------------------------

INDICATORS = "economic_data.indicators"
_VINTAGE = "realtime_end = DATE '9999-12-31'"


def series_change(series: Sequence[str], period: Period) -> Built:
    """Each series' value at the start and the end of the period, and the change between."""
    named = f"series_id IN ({quoted(series)})"
    observations = _where(
        _select(
            "series_id", "date", "value", "MAX(date) OVER (PARTITION BY series_id) AS latest"
        ).from_(INDICATORS),
        named,
        _VINTAGE,
        "value IS NOT NULL",
    )
    before = period.before("date", "latest")
    ends = [c for c in period.window("date", "latest") if " < " in c]
    bounds = (
        _select(
            "series_id",
            f"MAX(CASE WHEN {before} THEN date END) AS start_date"
            if before
            else "MIN(date) AS start_date",
            f"MAX(CASE WHEN {ends[0]} THEN date END) AS end_date"
            if ends
            else "MAX(date) AS end_date",
        )
        .from_("observations")
        .group_by("series_id", dialect=_DIALECT)
    )
    query = (
        _select(
            "bounds.series_id", "bounds.start_date", "first.value AS start_value",
            "bounds.end_date", "last.value AS end_value", "last.value - first.value AS change",
        )
        .from_("bounds")
        .join(
            "observations AS first",
            on="first.series_id = bounds.series_id AND first.date = bounds.start_date",
            dialect=_DIALECT,
        )
        .join(
            "observations AS last",
            on="last.series_id = bounds.series_id AND last.date = bounds.end_date",
            dialect=_DIALECT,
        )
        .order_by("bounds.series_id", dialect=_DIALECT)
    )  # fmt: skip
    tree = query.with_("observations", as_=observations, dialect=_DIALECT).with_(
        "bounds", as_=bounds, dialect=_DIALECT
    )
    span = period.describe("its" if len(series) == 1 else "each one's", "observation")
    what = (
        f"the change of {words(series)} {span}: the last value before the period, the last "
        "one in it, and their difference (current vintage)."
    )
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, frozenset({INDICATORS}), tree)


def series_spread(
    first: str, second: str, period: Period | None, *, average: bool = False
) -> Built:
    """The difference between two series on the days both have a value: latest, over time,
    or (`average`) its mean over the period."""
    name = f"{first}_minus_{second}".lower()
    pairs = _where(
        _select("a.date", f"a.value - b.value AS {name}", "MAX(a.date) OVER () AS latest")
        .from_(f"{INDICATORS} AS a")
        .join(
            f"{INDICATORS} AS b",
            on=f"b.date = a.date AND b.series_id = {quoted([second])} AND b.{_VINTAGE}",
            dialect=_DIALECT,
        ),
        f"a.series_id = {quoted([first])}",
        f"a.{_VINTAGE}",
        "a.value IS NOT NULL",
        "b.value IS NOT NULL",
    )
    query = _select("date", name).from_("pairs")
    if average and period is not None:
        query = _where(_select(f"AVG({name}) AS average_spread").from_("pairs"),
                       *period.window("date", "latest"))  # fmt: skip
        when = "averaged " + period.describe("their", "common observation")
    elif period is None:
        query = _where(query, "date = latest")
        when = "on the latest day both have a value"
    else:
        query = _where(query, *period.window("date", "latest")).order_by("date", dialect=_DIALECT)
        when = period.describe("their", "common observation")
    tree = query.with_("pairs", as_=pairs, dialect=_DIALECT)
    what = f"the spread {first} minus {second} {when} (current vintage)."
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, frozenset({INDICATORS}), tree)


# --- geopolitics and social attention ---------------------------------------------------------

GEO_INDEX = "derived.geopolitical_daily"
GEO_EVENTS = "events.geopolitical"
SOCIAL_DAILY = "derived.social_daily"


def geopolitical_index(period: Period) -> Built:
    """The world's daily geopolitical index (country '*') over the period, oldest first."""
    latest = f"(SELECT MAX(date) FROM {GEO_INDEX})"
    tree = _where(
        _select(
            "date", "events", "conflict_events", "conflict_intensity", "goldstein", "tone"
        ).from_(GEO_INDEX),
        "country = '*'",
        *period.window("date", latest),
    ).order_by("date", dialect=_DIALECT)  # fmt: skip
    what = (
        f"the world's daily geopolitical index {_span(period, 'the', 'day')}: events, conflict "
        "events, conflict intensity (mentions, material conflict counted twice), Goldstein, tone."
    )
    return _built(tree, what, GEO_INDEX)


def geopolitical_events(period: Period, limit: int) -> Built:
    """The most-mentioned geopolitical events published in the period."""
    latest = f"(SELECT MAX(added_at) FROM {GEO_EVENTS})"
    tree = (
        _where(
            _select(
                "CAST(added_at AS DATE) AS day", "root_code", "country", "place", "goldstein",
                "num_mentions", "source_url",
            ).from_(GEO_EVENTS),
            *period.window("added_at", latest),
        )
        .order_by("num_mentions DESC", "added_at", dialect=_DIALECT)
        .limit(limit, dialect=_DIALECT)
    )  # fmt: skip
    what = (
        f"the {limit} most-mentioned geopolitical events published "
        f"{_span(period, 'the', 'event')} (CAMEO root code, country, place, Goldstein, mentions)."
    )
    return _built(tree, what, GEO_EVENTS)


def social_mentions(selection: Selection, period: Period) -> Built:
    """Social posts naming each symbol per day, their authors and mean sentiment."""
    latest = f"(SELECT MAX(date) FROM {SOCIAL_DAILY})"
    tree = _where(
        _select("symbol", "date", "mentions", "authors", "score").from_(SOCIAL_DAILY),
        selection.condition(),
        *period.window("date", latest),
    ).order_by("symbol", "date", dialect=_DIALECT)
    what = (
        f"the social posts naming {selection.describe()} per day {_span(period, 'the', 'day')}: "
        "mentions, distinct authors and mean sentiment score (-1 to 1)."
    )
    return _built(tree, what, SOCIAL_DAILY, selection.tables)
