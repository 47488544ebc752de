"""Social attention per symbol and day; crypto membership changes from a ranking."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from tetra.adapters.sources.reddit import RedditSource
from tetra.adapters.sources.reddit.parsing import post_row
from tetra.data.membership import ranking_changes, seed_rows
from tetra.data.social import is_social, social_daily, social_mask
from tetra.data.sources import RankedAsset
from tetra.sample.news import PUBLISHERS
from tetra.sample.world import generate_posts


def test_social_daily_counts_posts_and_authors_and_averages_the_chosen_method() -> None:
    posts = pd.DataFrame(
        [
            {
                "article_id": "a",
                "author": "x",
                "symbols": json.dumps(["NVDA", "AMD"]),
                "published_at": pd.Timestamp("2025-12-01 20:00", tz="UTC"),
            },
            {
                "article_id": "b",
                "author": "x",
                "symbols": json.dumps(["NVDA"]),
                "published_at": pd.Timestamp("2025-12-01 23:59", tz="UTC"),
            },
            {
                "article_id": "c",
                "author": "y",
                "symbols": json.dumps(["NVDA"]),
                "published_at": pd.Timestamp("2025-12-02 00:01", tz="UTC"),
            },
        ]
    )
    scores = pd.DataFrame(
        [
            {"article_id": "a", "method": "vader", "score": 0.5},
            {"article_id": "b", "method": "vader", "score": -0.1},
            {"article_id": "b", "method": "finance_lexicon", "score": 0.9},
        ]
    )

    daily = social_daily(posts, scores, "reddit").set_index(["symbol", "date"])

    nvda = daily.loc[("NVDA", dt.date(2025, 12, 1))]
    assert nvda["mentions"] == 2
    assert nvda["authors"] == 1
    assert nvda["score"] == pytest.approx(0.2)
    assert daily.loc[("AMD", dt.date(2025, 12, 1)), "mentions"] == 1
    assert pd.isna(daily.loc[("NVDA", dt.date(2025, 12, 2)), "score"])  # unscored: no mean
    assert set(daily["method"]) == {"vader"}
    assert set(daily["source"]) == {"reddit"}


def test_reddit_posts_and_the_samples_posts_are_social_and_news_is_not() -> None:
    child = {"kind": "t3", "data": {"permalink": "/r/stocks/comments/x/y", "title": "$NVDA up",
             "created_utc": 1.7e9, "subreddit": "stocks", "author": "u"}}  # fmt: skip
    reddit = post_row(child, {"NVDA"})
    days = pd.bdate_range("2025-10-01", periods=60)
    returns = {"NVDA": pd.Series([0.05, -0.04] * 30, index=days)}
    sample_posts = generate_posts(returns, dt.date(2025, 12, 31), 7).assign(source="sample")

    assert RedditSource.name == reddit["source"]
    assert is_social(reddit["source"], reddit["publisher"])
    assert is_social("reddit", None)
    assert not sample_posts.empty
    assert social_mask(sample_posts).all()
    assert not any(is_social("sample", publisher) for publisher in PUBLISHERS)
    assert not is_social("alphavantage", "Reuters")


def ranked(*symbols: str) -> list[RankedAsset]:
    return [RankedAsset(s, i + 1, 1e9 / (i + 1), s.lower()) for i, s in enumerate(symbols)]


def test_a_ranking_opens_intervals_for_joiners_and_closes_those_of_leavers() -> None:
    day = dt.date(2025, 12, 3)
    current = seed_rows("crypto", ["BTC", "ETH", "BCH"], "coingecko", dt.date(2025, 1, 1))

    changes = ranking_changes(current, ranked("BTC", "ETH", "LINK"), "crypto", day, "coingecko")

    assert changes.joined == ("LINK",)
    assert changes.left == ("BCH",)
    rows = changes.rows.set_index("symbol")
    assert rows.loc["LINK", "valid_from"] == day
    assert pd.isna(rows.loc["LINK", "valid_to"])
    assert rows.loc["LINK", "rank"] == 3
    assert rows.loc["BCH", "valid_from"] == dt.date(2025, 1, 1)
    assert rows.loc["BCH", "valid_to"] == dt.date(2025, 12, 2)
    assert changes.summary == "joins: LINK; leaves: BCH"


def test_an_unchanged_ranking_writes_nothing() -> None:
    current = seed_rows("crypto", ["BTC", "ETH"], "coingecko", dt.date(2025, 1, 1))

    changes = ranking_changes(
        current, ranked("ETH", "BTC"), "crypto", dt.date(2025, 12, 3), "coingecko"
    )

    assert changes.rows.empty
    assert changes.summary == "no change"
