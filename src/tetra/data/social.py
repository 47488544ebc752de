"""Fold social posts and their scores into attention and mood per symbol and day.

`social_daily` counts, per symbol and UTC day of publication, the distinct posts naming the
symbol and their distinct authors, and averages one sentiment method's scores over them
(VADER by default: the scorer made for short social text).

Social posts live in news.articles beside news, and their scores in news.sentiment, whose
``source`` is the scorer's ('tetra', 'sample' or the vendor), not the post's. `is_social` tells
the two apart by the article: a live social source's name (`SOCIAL_SOURCES`), or a community
as publisher (``r/...``), which is how the sample's posts are known (every sample row says
'sample'). `social_article_ids` gives the posts of a period, for readers that want news only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tetra.data.ports import Query, Store
from tetra.data.sentiment import article_symbols

SOCIAL_SOURCES = frozenset({"reddit"})
COMMUNITY_PREFIX = "r/"
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


def is_social(source: object, publisher: object) -> bool:
    """Return whether a news.articles row is a social post rather than news."""
    return source in SOCIAL_SOURCES or (
        isinstance(publisher, str) and publisher.startswith(COMMUNITY_PREFIX)
    )


def social_mask(articles: pd.DataFrame) -> pd.Series:
    """Return, per news.articles row (needs source and publisher), whether it is a post."""
    pairs = zip(articles["source"], articles["publisher"], strict=True)
    return pd.Series([is_social(s, p) for s, p in pairs], index=articles.index, dtype=bool)


def social_article_ids(
    store: Store, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> set[str]:
    """Return the article ids of the social posts published in [start, end)."""
    columns = ["article_id", "source", "publisher"]
    articles = store.read(Query("news.articles", start=start, end=end, columns=columns))
    return set(articles.loc[social_mask(articles), "article_id"]) if not articles.empty else set()
