"""Point-in-time inputs of the feature builders, read from the store and cut at any date.

Map: `FeatureInputs` bundles raw daily bars with corporate actions (`MarketData`), each
symbol's group, macro observations with their vintages, per-symbol news sentiment with its
publication time (news only: social posts' scores are left out, see `tetra.data.social`),
earnings dates, social attention per symbol and day, and the GDELT daily index of the world
and `GEO_COUNTRIES`. `load_inputs` reads them from a store;
`FeatureInputs.as_of(day)` removes everything not yet known at that day's decision time:
bars after the day, macro values released after it, news published after the decision time,
earnings dates not yet announced, daily social and GDELT rows of days not yet over (a UTC
day's row is known from the next midnight UTC). The leakage tests and the prediction guard compare
features built from `as_of(day)` with those built from everything.

Decision time: the close of day t, taken as 16:00 New York time (DST-aware) for every
symbol; crypto's UTC day closes later, so the rule is conservative for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.data.ports import Query, Store
from tetra.data.social import social_article_ids
from tetra.market import MarketData, load_market

NEW_YORK = ZoneInfo("America/New_York")
DECISION_HOUR = 16  # the close, New York time
EARNINGS_NOTICE_DAYS = 28  # a report date counts as known four weeks ahead
SENTIMENT_METHOD = "finance_lexicon"

MACRO_COLUMNS = ("series_id", "date", "realtime_start", "value")
NEWS_COLUMNS = ("symbol", "published_at", "score")
EARNINGS_COLUMNS = ("symbol", "report_date")
SOCIAL_COLUMNS = ("symbol", "date", "mentions", "authors", "score")
GEO_COLUMNS = ("country", "date", "conflict_intensity", "goldstein", "tone")
GEO_COUNTRIES = ("*", "US")  # the world, and where most of the universe is listed
GEO_HISTORY_DAYS = 120  # read before the start, for the index features' baselines


@dataclass(frozen=True)
class FeatureInputs:
    """Everything the feature sets read; frames are empty where the store holds nothing."""

    market: MarketData
    groups: Mapping[str, str]
    macro: pd.DataFrame
    news: pd.DataFrame
    earnings: pd.DataFrame
    macro_series: frozenset[str] = frozenset()  # every series the store holds, released or not
    social: pd.DataFrame = field(default_factory=lambda: _empty(SOCIAL_COLUMNS, "symbol"))
    geopolitical: pd.DataFrame = field(default_factory=lambda: _empty(GEO_COLUMNS, "country"))

    @property
    def last_day(self) -> dt.date:
        return _as_date(self.market.dates[-1])

    def as_of(self, day: dt.date) -> FeatureInputs:
        """Return the inputs as they were known at `day`'s decision time."""
        rows = int(np.searchsorted(self.market.dates, np.datetime64(day, "D"), side="right"))
        if rows == 0:
            raise ValidationError(f"no bars on or before {day}")
        cutoff = decision_time(day)
        return replace(
            self,
            market=self.market.window(0, rows),
            macro=self.macro[self.macro["realtime_start"] <= pd.Timestamp(day)],
            news=self.news[self.news["published_at"] < cutoff],
            earnings=self.earnings[self.earnings["report_date"] <= pd.Timestamp(day + _notice())],
            social=_known_by(self.social, cutoff),
            geopolitical=_known_by(self.geopolitical, cutoff),
        )


def known_from(dates: pd.Series) -> pd.Series:
    """Return when each daily row (a UTC day) is known: the next midnight UTC."""
    return (pd.to_datetime(dates) + pd.Timedelta(days=1)).dt.tz_localize("UTC")


def _known_by(frame: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    return frame[known_from(frame["date"]) <= cutoff] if not frame.empty else frame


def decision_time(day: dt.date) -> pd.Timestamp:
    """Return the UTC instant of `day`'s decision: 16:00 in New York."""
    local = dt.datetime.combine(day, dt.time(DECISION_HOUR), tzinfo=NEW_YORK)
    return pd.Timestamp(local).tz_convert("UTC")


def load_inputs(
    store: Store, symbols: Sequence[str], start: dt.date, end: dt.date
) -> FeatureInputs:
    """Read the feature inputs of `symbols` between `start` and `end` (inclusive) from `store`."""
    if not symbols:
        raise ValidationError("no symbols: name at least one")
    if start >= end:
        raise ValidationError(f"start {start} must come before end {end}")
    market = load_market(store, list(symbols), start, end)
    macro = _macro(store, end)
    return FeatureInputs(
        market=market,
        groups=_groups(store, market.symbols),
        macro=macro,
        news=_news(store, market.symbols, start, end),
        earnings=_earnings(store, market.symbols, end),
        macro_series=frozenset(macro["series_id"]),
        social=_daily(store, "derived.social_daily", "symbol", market.symbols, start, end),
        geopolitical=_daily(store, "derived.geopolitical_daily", "country", GEO_COUNTRIES,
                            start, end),
    )  # fmt: skip


def empty_side_inputs(market: MarketData, groups: Mapping[str, str] | None = None) -> FeatureInputs:
    """Return inputs with bars only (no macro, news or earnings), e.g. for simulated paths."""
    return FeatureInputs(
        market=market,
        groups=dict(groups or {}),
        macro=pd.DataFrame(columns=list(MACRO_COLUMNS)).astype(_MACRO_TYPES),  # type: ignore[arg-type]
        news=pd.DataFrame(
            {
                "symbol": pd.Series(dtype=object),
                "published_at": pd.Series(dtype="datetime64[us, UTC]"),
                "score": pd.Series(dtype=np.float64),
            }
        ),
        earnings=pd.DataFrame(
            {"symbol": pd.Series(dtype=object), "report_date": pd.Series(dtype="datetime64[us]")}
        ),
    )


_MACRO_TYPES = {
    "series_id": object,
    "date": "datetime64[us]",
    "realtime_start": "datetime64[us]",
    "value": np.float64,
}


def _groups(store: Store, symbols: Sequence[str]) -> dict[str, str]:
    rows = store.read(Query("market_data.symbols", where={"symbol": list(symbols)}))
    found = dict(zip(rows["symbol"], rows["universe_group"].fillna("other"), strict=True))
    return {symbol: str(found.get(symbol, "other")) for symbol in symbols}


def _macro(store: Store, end: dt.date) -> pd.DataFrame:
    rows = store.read(Query("economic_data.indicators", columns=list(MACRO_COLUMNS)))
    frame = rows.assign(
        date=pd.to_datetime(rows["date"]), realtime_start=pd.to_datetime(rows["realtime_start"])
    )
    frame = frame[frame["realtime_start"] <= pd.Timestamp(end)]
    return frame.astype(_MACRO_TYPES).reset_index(drop=True)  # type: ignore[arg-type]


def _news(store: Store, symbols: Sequence[str], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Read news scores; social posts (scored into news.sentiment too) are not news."""
    first, last = start - dt.timedelta(days=60), end + dt.timedelta(days=1)
    query = Query(
        "news.sentiment",
        where={"symbol": list(symbols), "method": SENTIMENT_METHOD},
        start=first,
        end=last,
        columns=["article_id", *NEWS_COLUMNS],
    )
    rows = store.read(query)
    posts = social_article_ids(store, _midnight(first), _midnight(last))
    rows = rows.loc[~rows["article_id"].isin(posts), list(NEWS_COLUMNS)]
    rows = rows.assign(published_at=pd.to_datetime(rows["published_at"], utc=True))
    return rows.sort_values(["published_at", "symbol"], kind="stable").reset_index(drop=True)


def _earnings(store: Store, symbols: Sequence[str], end: dt.date) -> pd.DataFrame:
    rows = store.read(
        Query("events.earnings", where={"symbol": list(symbols)}, columns=list(EARNINGS_COLUMNS))
    )
    frame = rows.assign(report_date=pd.to_datetime(rows["report_date"]).astype("datetime64[us]"))
    return frame[frame["report_date"] <= pd.Timestamp(end + _notice())].reset_index(drop=True)


def _notice() -> dt.timedelta:
    return dt.timedelta(days=EARNINGS_NOTICE_DAYS)


def _daily(
    store: Store, name: str, key: str, keys: Sequence[str], start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Read a derived per-day table (social or GDELT), summed over its sources."""
    columns = list(SOCIAL_COLUMNS if key == "symbol" else GEO_COLUMNS)
    query = Query(
        name,
        where={key: list(keys)},
        start=start - dt.timedelta(days=GEO_HISTORY_DAYS),
        end=end + dt.timedelta(days=1),
        columns=columns,
    )
    rows = store.read(query)
    if rows.empty:
        return _empty(tuple(columns), key)
    frame = rows.assign(date=pd.to_datetime(rows["date"]).astype("datetime64[us]"))
    return frame.sort_values(["date", key], kind="stable").reset_index(drop=True)


def _empty(columns: Sequence[str], key: str) -> pd.DataFrame:
    types = {c: (object if c == key else "datetime64[us]" if c == "date" else np.float64)
             for c in columns}  # fmt: skip
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _as_date(value: np.datetime64) -> dt.date:
    return pd.Timestamp(value).date()
