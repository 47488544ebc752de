"""Pure functions from NewsAPI payloads to `news.articles` rows; no I/O.

Map: `vendor_error` reads an error body (``{"status": "error", "code", "message"}``) into
the Tetra error it means; `parse_page` turns one ``/v2/everything`` page into rows and the
articles that could not be read; `articles_frame` / `empty_sentiment_frame` shape results.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tetra.adapters.sources.fields import optional_text
from tetra.adapters.sources.newsapi.config import SOURCE
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceError, SourceUnavailable
from tetra.data.migrations import table
from tetra.data.sources import RawRecord
from tetra.model.news import article_id_for

ARTICLE_COLUMNS = table("news.articles").column_names
SENTIMENT_COLUMNS = table("news.sentiment").column_names
# Codes meaning "no more requests on this key for now": final for the window.
QUOTA_CODES = frozenset({"rateLimited", "apiKeyExhausted"})
# The developer plan's cap of 100 results per query: stop paginating, keep what we have.
RESULTS_CAP_CODE = "maximumResultsReached"
# NewsAPI blanks out articles taken down by their publisher but still lists them.
REMOVED_URL = "https://removed.com"


class ResultsCapReached(Exception):
    """NewsAPI will not page further for this query (not an error for the caller)."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results: rows keyed by article_id, unreadable articles, vendor's total."""

    rows: dict[str, dict[str, Any]]
    unparsed: tuple[RawRecord, ...]
    total_results: int


def vendor_error(payload: object, scrub: Callable[[str], str] = str) -> Exception | None:
    """Return the exception an error body stands for, or None when it is no error body."""
    if not isinstance(payload, Mapping) or payload.get("status") != "error":
        return None
    code = str(payload.get("code", "unknown"))
    message = scrub(f"{code}: {payload.get('message', '')}".strip())
    if code == RESULTS_CAP_CODE:
        return ResultsCapReached(message)
    if code in QUOTA_CODES:
        return QuotaExhausted(SOURCE, message)
    error: SourceError = SourceUnavailable(SOURCE, message)
    return error


def decode_error_body(content: bytes, scrub: Callable[[str], str] = str) -> Exception | None:
    """Return `vendor_error` of a raw body, or None when it is not JSON at all."""
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):
        return None
    return vendor_error(payload, scrub)


def parse_page(payload: object, symbol: str) -> Page:
    """Read one ``/v2/everything`` answer; raise `MalformedPayload` if it has no articles list."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("articles"), list):
        shown = json.dumps(payload, default=str)[:2000]
        raise MalformedPayload(SOURCE, "answer has no 'articles' list", shown)
    rows: dict[str, dict[str, Any]] = {}
    unparsed: list[RawRecord] = []
    for item in payload["articles"]:
        try:
            row = article_row(item, symbol)
        except (KeyError, TypeError, ValueError) as error:
            unparsed.append(RawRecord(f"unreadable article: {error}", _raw(item), symbol))
            continue
        if row is not None:
            rows.setdefault(row["article_id"], row)
    total = payload.get("totalResults")
    return Page(rows, tuple(unparsed), total if isinstance(total, int) else len(rows))


def article_row(item: Mapping[str, Any], symbol: str) -> dict[str, Any] | None:
    """Return the `news.articles` row of one article, or None for a removed article."""
    url = optional_text(item["url"])
    if url is None or not url.startswith(("http://", "https://")):
        raise ValueError(f"url {item['url']!r} is not http(s)")
    if url.rstrip("/") == REMOVED_URL:
        return None
    title = optional_text(item["title"])
    if title is None:
        raise ValueError("article has no title")
    source = item.get("source") or {}
    return {
        "article_id": article_id_for(url),
        "url": url,
        "title": title,
        "summary": optional_text(item.get("description")),
        "publisher": optional_text(source.get("name")) if isinstance(source, Mapping) else None,
        "author": optional_text(item.get("author")),
        "published_at": parse_published_at(item["publishedAt"]),
        "symbols": [symbol],
        "source": SOURCE,
    }


def parse_published_at(value: object) -> dt.datetime:
    """Read ``publishedAt`` (ISO 8601, ``Z`` suffix) as a UTC datetime; naive means UTC."""
    if not isinstance(value, str):
        raise TypeError(f"publishedAt {value!r} is not text")
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def merge_rows(into: dict[str, dict[str, Any]], rows: Mapping[str, dict[str, Any]]) -> None:
    """Add `rows` to `into`, deduplicating on article_id and uniting their symbols."""
    for article_id, row in rows.items():
        kept = into.setdefault(article_id, row)
        if kept is not row:
            kept["symbols"] = sorted({*kept["symbols"], *row["symbols"]})


def articles_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return `news.articles` rows with exactly the catalog's columns, symbols as JSON text."""
    records = [{**row, "symbols": json.dumps(sorted(row["symbols"]))} for row in rows]
    frame = pd.DataFrame.from_records(records, columns=list(ARTICLE_COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    return frame


def empty_sentiment_frame() -> pd.DataFrame:
    """Return an empty `news.sentiment` frame: NewsAPI gives no sentiment."""
    return pd.DataFrame(columns=list(SENTIMENT_COLUMNS))


def _raw(item: object) -> Mapping[str, object] | str:
    return item if isinstance(item, Mapping) else repr(item)
