"""Fold social posts and their scores into attention and mood per symbol and day.

`social_daily` counts, per symbol and UTC day of publication, the distinct posts naming the
symbol and their distinct authors, and averages one sentiment method's scores over them
(VADER by default: the scorer made for short social text).
"""

from __future__ import annotations

import pandas as pd

from tetra.data.sentiment import article_symbols

DAILY_COLUMNS = ["symbol", "date", "mentions", "authors", "score", "method", "source"]
DEFAULT_METHOD = "vader"


def social_daily(
    posts: pd.DataFrame, scores: pd.DataFrame, source: str, method: str = DEFAULT_METHOD
) -> pd.DataFrame:
    """Return derived.social_daily rows for `posts` (news.articles rows of one social source)."""
    if posts.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    exploded = [
        {
            "article_id": post["article_id"],
            "symbol": symbol,
            "author": post.get("author"),
            "date": pd.Timestamp(post["published_at"]).tz_convert("UTC").date(),
        }
        for post in posts.to_dict("records")
        for symbol in article_symbols(post.get("symbols"))
    ]
    if not exploded:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    mentions = pd.DataFrame(exploded).drop_duplicates(["article_id", "symbol"])
    chosen = scores[scores["method"] == method] if not scores.empty else scores
    per_post = (
        chosen.groupby("article_id")["score"].mean() if not chosen.empty else pd.Series(dtype=float)
    )
    mentions["score"] = mentions["article_id"].map(per_post)
    daily = mentions.groupby(["symbol", "date"], as_index=False).agg(
        mentions=("article_id", "nunique"),
        authors=("author", "nunique"),
        score=("score", "mean"),
    )
    daily["method"] = method
    daily["source"] = source
    return daily[DAILY_COLUMNS]
