"""News feature kinds: per-symbol sentiment from articles published before the decision time.

An article counts for the first decision day whose decision time (the close, see
`tetra.ml.inputs.decision_time`) comes after its publication, never for an earlier one. A
day's sentiment is the mean score of the articles of the last `sessions` decision windows;
without any article it is missing (NaN), and the count is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tetra.ml.features.kinds import FeatureContext, register_kind
from tetra.ml.features.spec import Param
from tetra.ml.inputs import decision_time


def news_sentiment(context: FeatureContext, /, sessions: Param = 1) -> np.ndarray:
    """Mean sentiment score of the symbol's articles over the last `sessions` windows."""
    total, count = _windowed(context, int(sessions))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def news_count(context: FeatureContext, /, sessions: Param = 1) -> np.ndarray:
    """Number of the symbol's articles over the last `sessions` windows."""
    return _windowed(context, int(sessions))[1]


def _windowed(context: FeatureContext, sessions: int) -> tuple[np.ndarray, np.ndarray]:
    total, count = _per_day(context)
    rolling = [
        pd.DataFrame(a).rolling(sessions, min_periods=1).sum().to_numpy() for a in (total, count)
    ]
    return rolling[0], rolling[1]


def _per_day(context: FeatureContext) -> tuple[np.ndarray, np.ndarray]:
    """Return the sum and count of scores per decision day and symbol."""
    cached = context.cache.get("news_per_day")
    if cached is None:
        cached = _bucket(context)
        context.cache["news_per_day"] = cached
    return cached  # type: ignore[return-value]


def _bucket(context: FeatureContext) -> tuple[np.ndarray, np.ndarray]:
    panel, news = context.panel, context.inputs.news
    cutoffs = _as_utc_ns([decision_time(pd.Timestamp(d).date()) for d in panel.dates])
    total, count = np.zeros(panel.shape), np.zeros(panel.shape)
    columns = {symbol: n for n, symbol in enumerate(panel.symbols)}
    day = np.searchsorted(cutoffs, _as_utc_ns(news["published_at"]), side="right")
    column = news["symbol"].map(columns).to_numpy(dtype=np.float64, na_value=np.nan)
    usable = (day < panel.shape[0]) & np.isfinite(column)
    rows, cols = day[usable], column[usable].astype(np.int64)
    np.add.at(total, (rows, cols), news["score"].to_numpy(dtype=np.float64)[usable])
    np.add.at(count, (rows, cols), 1.0)
    return total, count


def _as_utc_ns(stamps: pd.Series | list[pd.Timestamp]) -> np.ndarray:
    return pd.DatetimeIndex(stamps).tz_convert("UTC").as_unit("ns").asi8


register_kind("news_sentiment", news_sentiment)
register_kind("news_count", news_count)
