"""World feature kinds: social attention per symbol, and the GDELT daily index for everyone.

Both read per-UTC-day rows (derived.social_daily, derived.geopolitical_daily), and a day's row
is known from the next midnight UTC (`tetra.ml.inputs.known_from`), since posts and events of
that day keep arriving until then. Social rows fold, like news articles, into the first
decision day whose decision time comes at or after they are known; the social kinds then sum
(or mention-weight) the last `sessions` decision windows, summed over sources. The GDELT
kinds read the index on the calendar: on each decision day, the mean over the last `days`
UTC days known by its decision time (missing days skipped; NaN when none is stored), or that
mean's z-score against the `baseline` days before it. Every symbol gets the same GDELT value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tetra.ml.features.kinds import FeatureContext, register_kind
from tetra.ml.features.spec import FeatureSetError, Param
from tetra.ml.inputs import GEO_COLUMNS, GEO_COUNTRIES, decision_time, known_from

Sums = dict[str, np.ndarray]


def social_mentions(context: FeatureContext, /, sessions: Param = 1) -> np.ndarray:
    """Posts naming the symbol over the last `sessions` windows (NaN before any post at all)."""
    return _rolling(context, int(sessions))["mentions"]


def social_authors(context: FeatureContext, /, sessions: Param = 1) -> np.ndarray:
    """Distinct authors per day, summed over the last `sessions` windows."""
    return _rolling(context, int(sessions))["authors"]


def social_score(context: FeatureContext, /, sessions: Param = 1) -> np.ndarray:
    """Mention-weighted mean sentiment of the posts of the last `sessions` windows, else NaN."""
    sums = _rolling(context, int(sessions))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums["weight"] > 0, sums["weighted"] / sums["weight"], np.nan)


def social_mentions_change(context: FeatureContext, /, sessions: Param, lag: Param) -> np.ndarray:
    """Log change of the `sessions`-window mentions against `lag` decision days earlier."""
    return _change(np.log1p(social_mentions(context, sessions=sessions)), int(lag))


def social_score_change(context: FeatureContext, /, sessions: Param, lag: Param) -> np.ndarray:
    """Change of the `sessions`-window score against `lag` decision days earlier."""
    return _change(social_score(context, sessions=sessions), int(lag))


def gdelt_mean(
    context: FeatureContext, /, column: Param, country: Param, days: Param
) -> np.ndarray:
    """Mean of the index `column` of `country` ('*': the world) over the last `days` known."""
    series = _calendar(context, str(column), str(country))
    return _on_decision_days(context, series.rolling(int(days), min_periods=1).mean())


def gdelt_zscore(
    context: FeatureContext, /, column: Param, country: Param, days: Param, baseline: Param
) -> np.ndarray:
    """The `days` mean's z-score against the daily values of the `baseline` days before it."""
    series = _calendar(context, str(column), str(country))
    recent = series.rolling(int(days), min_periods=1).mean()
    before = series.shift(int(days)).rolling(int(baseline), min_periods=max(int(baseline) // 3, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (recent - before.mean()) / before.std()
    return _on_decision_days(context, z.replace([np.inf, -np.inf], np.nan))


def _rolling(context: FeatureContext, sessions: int) -> Sums:
    key = f"social_rolling_{sessions}"
    if key not in context.cache:
        per_day = _social_per_day(context)
        covered = np.cumsum(per_day["mentions"].sum(axis=1)) > 0  # from the first known post on
        context.cache[key] = {
            name: np.where(
                covered[:, None],
                pd.DataFrame(values).rolling(sessions, min_periods=1).sum().to_numpy(),
                np.nan,
            )
            for name, values in per_day.items()
        }
    return context.cache[key]  # type: ignore[return-value]


def _social_per_day(context: FeatureContext) -> Sums:
    cached = context.cache.get("social_per_day")
    if cached is None:
        cached = _bucket_social(context)
        context.cache["social_per_day"] = cached
    return cached  # type: ignore[return-value]


def _bucket_social(context: FeatureContext) -> Sums:
    panel, rows = context.panel, context.inputs.social
    sums = {name: np.zeros(panel.shape) for name in ("mentions", "authors", "weighted", "weight")}
    if rows.empty:
        return sums
    cutoffs = _utc_ns(pd.Series([decision_time(pd.Timestamp(d).date()) for d in panel.dates]))
    day = np.searchsorted(cutoffs, _utc_ns(known_from(rows["date"])), side="left")
    columns = {symbol: n for n, symbol in enumerate(panel.symbols)}
    column = rows["symbol"].map(columns).to_numpy(dtype=np.float64, na_value=np.nan)
    usable = (day < panel.shape[0]) & np.isfinite(column)
    at = (day[usable], column[usable].astype(np.int64))
    mentions = rows["mentions"].to_numpy(dtype=np.float64, na_value=0.0)[usable]
    score = rows["score"].to_numpy(dtype=np.float64, na_value=np.nan)[usable]
    scored = np.isfinite(score)
    np.add.at(sums["mentions"], at, mentions)
    np.add.at(sums["authors"], at, rows["authors"].to_numpy(np.float64, na_value=0.0)[usable])
    np.add.at(sums["weighted"], at, np.where(scored, score * mentions, 0.0))
    np.add.at(sums["weight"], at, np.where(scored, mentions, 0.0))
    return sums


def _change(values: np.ndarray, lag: int) -> np.ndarray:
    if lag < 1:
        raise FeatureSetError(f"lag must be at least 1, not {lag}")
    earlier = np.vstack([np.full((lag, values.shape[1]), np.nan), values[:-lag]])[: len(values)]
    return np.asarray(values - earlier, dtype=np.float64)


def _calendar(context: FeatureContext, column: str, country: str) -> pd.Series:
    """Return the daily values of `column` for `country` on every calendar day up to the last
    one a decision day can know (NaN where nothing is stored)."""
    if column not in GEO_COLUMNS[2:]:
        raise FeatureSetError(f"GDELT column must be one of {GEO_COLUMNS[2:]}, not {column!r}")
    if country not in GEO_COUNTRIES:
        raise FeatureSetError(f"GDELT country must be one of {GEO_COUNTRIES}, not {country!r}")
    rows = context.inputs.geopolitical
    rows = rows[rows["country"] == country]
    last = _last_known_days(context)[-1]
    if rows.empty:
        return pd.Series(np.nan, index=pd.DatetimeIndex([last]))
    daily = rows.groupby("date")[column].mean()  # one row per source and day; sources agree
    calendar = pd.date_range(min(daily.index.min(), last), max(daily.index.max(), last), freq="D")
    return daily.reindex(calendar)


def _last_known_days(context: FeatureContext) -> pd.DatetimeIndex:
    """Return per decision day the last UTC day whose row is known by its decision time."""
    cutoffs = pd.DatetimeIndex([decision_time(pd.Timestamp(d).date()) for d in context.panel.dates])
    return (cutoffs - pd.Timedelta(days=1)).tz_convert("UTC").tz_localize(None).floor("D")


def _on_decision_days(context: FeatureContext, series: pd.Series) -> np.ndarray:
    values = series.reindex(_last_known_days(context)).to_numpy(dtype=np.float64)
    return np.repeat(values[:, None], context.panel.shape[1], axis=1)


def _utc_ns(stamps: pd.Series) -> np.ndarray:
    return pd.DatetimeIndex(stamps).tz_convert("UTC").as_unit("ns").asi8


for _name, _kind in (
    ("social_mentions", social_mentions),
    ("social_authors", social_authors),
    ("social_score", social_score),
    ("social_mentions_change", social_mentions_change),
    ("social_score_change", social_score_change),
    ("gdelt_mean", gdelt_mean),
    ("gdelt_zscore", gdelt_zscore),
):
    register_kind(_name, _kind)
