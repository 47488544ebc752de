"""News articles, newest first, each with its sentiment scores.

Social posts share news.articles but are not news: the list leaves them out (their attention
per symbol and day is derived.social_daily; see `tetra.data.social`).
"""

from __future__ import annotations

import datetime as dt
import json

from tetra.api.queries.common import day_bounds, rows
from tetra.api.schemas.common import Page
from tetra.api.schemas.market import NewsArticleOut, SentimentScoreOut
from tetra.data.ports import Query, Store
from tetra.data.social import is_social


def news_page(
    store: Store,
    symbol: str | None,
    days: tuple[dt.date | None, dt.date | None],
    offset: int,
    limit: int,
) -> Page[NewsArticleOut]:
    """Return a page of articles, newest first, each with its sentiment scores."""
    lower, upper = day_bounds(*days, timestamps=True)
    heads = rows(
        store,
        Query(
            "news.articles",
            start=lower,
            end=upper,
            columns=["article_id", "published_at", "symbols", "source", "publisher"],
        ),
    )
    heads = [h for h in heads if not is_social(h["source"], h["publisher"])]
    if symbol is not None:
        heads = [h for h in heads if symbol in _symbols(h["symbols"])]
    heads.sort(key=lambda h: (h["published_at"], h["article_id"], h["source"]), reverse=True)
    page = heads[offset : offset + limit]
    items = _articles(store, [(h["article_id"], h["source"]) for h in page])
    return Page[NewsArticleOut](items=items, total=len(heads), offset=offset, limit=limit)


def _articles(store: Store, keys: list[tuple[str, str]]) -> list[NewsArticleOut]:
    ids = sorted({article_id for article_id, _ in keys})
    full = {
        (r["article_id"], r["source"]): r
        for r in rows(store, Query("news.articles", where={"article_id": ids}))
    }
    scores: dict[str, list[SentimentScoreOut]] = {}
    for r in rows(store, Query("news.sentiment", where={"article_id": ids})):
        scores.setdefault(r["article_id"], []).append(SentimentScoreOut.model_validate(r))
    return [
        NewsArticleOut.model_validate(
            {**full[k], "symbols": _symbols(full[k]["symbols"]), "sentiment": scores.get(k[0], [])}
        )
        for k in keys
    ]


def _symbols(text: str | None) -> list[str]:
    found = json.loads(text) if text else []
    return [str(s) for s in found] if isinstance(found, list) else []
