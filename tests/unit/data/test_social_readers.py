"""Readers of news that want news only leave the social posts of news.articles out."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from tetra.api.queries.news import news_page
from tetra.cycle.day_ahead import news_lines
from tetra.data.sentiment import score_articles
from tetra.testing.memory_store import InMemoryStore


def article(article_id: str, title: str, source: str, publisher: str) -> dict[str, object]:
    return {
        "article_id": article_id,
        "url": f"https://example.invalid/{article_id}",
        "title": title,
        "summary": None,
        "publisher": publisher,
        "author": None,
        "published_at": pd.Timestamp(2024, 1, 10, 14, tz="UTC"),
        "symbols": json.dumps(["AAA"]),
        "source": source,
    }


def store_with_news_and_a_post() -> InMemoryStore:
    store = InMemoryStore()
    store.migrate()
    rows = pd.DataFrame(
        [
            article("news1", "AAA beats estimates, record profit", "alphavantage", "Wire"),
            article("post1", "AAA crash, terrible, dump it all", "reddit", "r/stocks"),
        ]
    )
    store.upsert("news.articles", rows)
    store.upsert("news.sentiment", score_articles(rows))
    return store


def test_the_news_list_shows_the_article_and_not_the_post() -> None:
    page = news_page(store_with_news_and_a_post(), "AAA", (None, None), 0, 10)

    assert [a.article_id for a in page.items] == ["news1"]
    assert page.total == 1


def test_the_reports_headlines_come_from_news_not_posts() -> None:
    lines = news_lines(store_with_news_and_a_post(), dt.date(2024, 1, 10), {"AAA"})

    assert [line.title for line in lines] == ["AAA beats estimates, record profit"]
