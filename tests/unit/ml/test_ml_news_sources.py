"""The news features read news only: social posts scored into news.sentiment stay out."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from tetra.data.sentiment import score_articles
from tetra.ml.features import FEATURE_SETS, build_features
from tetra.ml.inputs import load_inputs
from tetra.testing.builders import bars_frame
from tetra.testing.memory_store import InMemoryStore

START, END = dt.date(2024, 1, 2), dt.date(2024, 2, 9)


def article(url: str, title: str, source: str, publisher: str, hour: int) -> dict[str, object]:
    return {
        "article_id": url.rsplit("/", 1)[-1],
        "url": url,
        "title": title,
        "summary": None,
        "publisher": publisher,
        "author": "someone",
        "published_at": pd.Timestamp(2024, 1, 10, hour, tz="UTC"),
        "symbols": json.dumps(["AAA"]),
        "source": source,
    }


NEWS = article("https://news.example/a1", "AAA beats estimates, record profit", "alphavantage",
               "Example Wire", 14)  # fmt: skip
POST = article("https://www.reddit.com/r/stocks/comments/p1", "AAA is a terrible crash, dump it",
               "reddit", "r/stocks", 15)  # fmt: skip


def store_with(*articles: dict[str, object]) -> InMemoryStore:
    store = InMemoryStore()
    store.migrate()
    store.upsert("market_data.ohlcv", bars_frame(("AAA",), "2024-01-02", 30))
    rows = pd.DataFrame(list(articles))
    store.upsert("news.articles", rows)
    store.upsert("news.sentiment", score_articles(rows))
    return store


def news_features(store: InMemoryStore) -> np.ndarray:
    inputs = load_inputs(store, ["AAA"], START, END)
    return build_features(inputs, [FEATURE_SETS["news"]]).values


def test_a_reddit_post_leaves_the_news_features_as_the_news_article_alone_makes_them() -> None:
    alone = news_features(store_with(NEWS))
    mixed = news_features(store_with(NEWS, POST))

    assert np.isfinite(alone).any()
    assert np.array_equal(alone, mixed, equal_nan=True)
