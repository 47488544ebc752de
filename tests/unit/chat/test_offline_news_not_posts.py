"""The offline translator's news questions read news only: social posts share the news tables.

A store holds news (two vendors', one without a publisher) and posts (a Reddit post, and one
known only by its 'r/' publisher, as the sample's posts are) about AAA, the posts newest. Each news
question runs on DuckDB and PostgreSQL and its rows must come from the news alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.duckdb_readonly import DuckDBReadOnly
from tetra.adapters.stores.postgres_readonly import PostgresReadOnly
from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.policy import Privacy, TablePolicy
from tetra.data.migrations import catalog
from tetra.data.sentiment import score_articles

READABLE = TablePolicy.classify(catalog()).readable
TRANSLATOR = OfflineTranslator(Vocabulary({"AAA": "Alpha Corp"}, {}, frozenset()))
NEWS = {
    "AAA guides lower for the quarter": ("alphavantage", "Wire", "2024-01-02 14:00"),
    "AAA beats estimates, record profit": ("alphavantage", "Wire", "2024-01-08 14:00"),
    "AAA opens a new plant": ("finnhub", "Example Ledger", "2024-01-09 14:00"),
    "AAA names a new chief executive": ("alphavantage", None, "2024-01-10 14:00"),
}
POSTS = {
    "AAA crash, terrible, dump it all": ("reddit", "r/stocks", "2024-01-15 21:00"),
    "AAA to the moon, great buy": ("finnhub", "r/wallstreetbets", "2024-01-16 21:00"),
}


def article(title: str, source: str, publisher: str | None, published: str) -> dict[str, object]:
    article_id = "id-" + "".join(c for c in title.lower() if c.isalpha())[:24]
    return {
        "article_id": article_id,
        "url": f"https://example.invalid/{article_id}",
        "title": title,
        "summary": None,
        "publisher": publisher,
        "author": None,
        "published_at": pd.Timestamp(published, tz="UTC"),
        "symbols": json.dumps(["AAA"]),
        "source": source,
    }


@pytest.fixture
def executor(store_url: str) -> Iterator[DuckDBReadOnly | PostgresReadOnly]:
    rows = pd.DataFrame([article(t, *v) for t, v in {**NEWS, **POSTS}.items()])
    with open_store(store_url) as store:
        store.upsert("news.articles", rows)
        store.upsert("news.sentiment", score_articles(rows))
    reader = (
        PostgresReadOnly(store_url)
        if store_url.startswith("postgresql://")
        else DuckDBReadOnly(store_url)
    )
    yield reader
    reader.close()


def answer(question: str, executor: DuckDBReadOnly | PostgresReadOnly) -> pd.DataFrame:
    dialect = "postgres" if isinstance(executor, PostgresReadOnly) else "duckdb"
    infos = tuple(TableInfo(name, "", Privacy.PUBLIC, ()) for name in sorted(READABLE))
    translation = TRANSLATOR.translate(question, SchemaContext(dialect, infos))
    guarded = check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE)
    return executor.run(guarded.sql).frame


@pytest.mark.parametrize("question", ["Latest news on AAA", "Latest 5 headlines about Alpha"])
def test_latest_headlines_are_the_news_without_the_posts(
    question: str, executor: DuckDBReadOnly | PostgresReadOnly
) -> None:
    rows = answer(question, executor)

    assert list(rows["title"]) == list(reversed(NEWS))


@pytest.mark.parametrize(
    "question",
    [
        "What is the average sentiment of AAA news?",
        "How many bullish vs bearish articles were there about AAA?",
        "How many news articles mention AAA?",
        "Average news sentiment per symbol",
    ],
)
def test_sentiment_counts_score_the_news_articles_only(
    question: str, executor: DuckDBReadOnly | PostgresReadOnly
) -> None:
    rows = answer(question, executor)

    per_method = rows.groupby("method")["articles"].sum()
    assert per_method.to_dict() == {"finance_lexicon": len(NEWS), "vader": len(NEWS)}


def test_a_news_window_counts_back_from_the_latest_news_not_the_latest_post(
    executor: DuckDBReadOnly | PostgresReadOnly,
) -> None:
    rows = answer("AAA news sentiment over the last 3 days", executor)

    assert rows["articles"].tolist() == [3, 3]  # the 8th to the 10th, though posts are later


def test_this_week_of_news_starts_on_the_monday_of_the_latest_news_article(
    executor: DuckDBReadOnly | PostgresReadOnly,
) -> None:
    rows = answer("How many news articles mention AAA this week?", executor)

    # the latest news is Wednesday 2024-01-10: Monday the 8th to it, not all four
    assert rows.groupby("method")["articles"].sum().tolist() == [3, 3]
