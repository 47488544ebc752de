"""Read Reddit listings: each post (kind ``t3``) becomes a news.articles row about its symbols.

A post is about a symbol when it names it as a cashtag (``$NVDA``) anywhere, or as a bare
ticker of three or more letters in its title; words that are also common English (``ALL``,
``NOW``...) count only as cashtags. Posts naming no symbol of the universe are dropped; a child
that is not a readable post is a `RawRecord`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from tetra.adapters.sources.reddit.config import SOURCE
from tetra.core.errors import MalformedPayload
from tetra.data.sources import RawRecord
from tetra.model.news import article_id_for

CASHTAG = re.compile(r"\$([A-Za-z]{1,5}(?:\.[A-Za-z])?)\b")
WORD = re.compile(r"\b([A-Z]{3,5})\b")
AMBIGUOUS = frozenset({"ALL", "NOW", "ARE", "ONE", "CAT", "KEY", "LOW", "BIG", "FOR", "AND", "CEO"})


@dataclass(frozen=True, slots=True)
class Listing:
    rows: list[dict[str, Any]]
    bad: list[RawRecord]
    after: str | None
    oldest: dt.datetime | None


def parse_listing(payload: object, universe: Collection[str]) -> Listing:
    """Return the posts of one listing page that name symbols of `universe`."""
    if not isinstance(payload, Mapping) or payload.get("kind") != "Listing":
        raise MalformedPayload(SOURCE, "answer is not a Listing", str(payload)[:500])
    data = payload.get("data")
    children = data.get("children") if isinstance(data, Mapping) else None
    if not isinstance(children, list):
        raise MalformedPayload(SOURCE, "Listing has no children array", str(payload)[:500])
    rows: list[dict[str, Any]] = []
    bad: list[RawRecord] = []
    oldest: dt.datetime | None = None
    for child in children:
        try:
            row = post_row(child, universe)
        except (KeyError, TypeError, ValueError) as error:
            bad.append(RawRecord(f"unreadable post: {error}", _raw(child)))
            continue
        oldest = _older(oldest, row["published_at"])
        if row["symbols"]:
            rows.append(row)
    after = data.get("after") if isinstance(data, Mapping) else None
    return Listing(rows, bad, after if isinstance(after, str) else None, oldest)


def post_row(child: object, universe: Collection[str]) -> dict[str, Any]:
    """Return the news.articles row of one ``t3`` child (symbols may be empty)."""
    if not isinstance(child, Mapping) or child.get("kind") != "t3":
        raise ValueError("child is not a post (kind t3)")
    post = child["data"]
    permalink = post["permalink"]
    title = post["title"]
    if not isinstance(permalink, str) or not permalink.startswith("/r/"):
        raise ValueError(f"permalink {permalink!r} is not /r/...")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("post has no title")
    created = float(post["created_utc"])
    body = post.get("selftext") if isinstance(post.get("selftext"), str) else ""
    url = f"https://www.reddit.com{permalink}"
    return {
        "article_id": article_id_for(url),
        "url": url,
        "title": title.strip(),
        "summary": body[:2000] or None,
        "publisher": f"r/{post.get('subreddit', '')}",
        "author": post.get("author") if isinstance(post.get("author"), str) else None,
        "published_at": dt.datetime.fromtimestamp(created, tz=dt.UTC),
        "symbols": sorted(mentioned_symbols(title, body, universe)),
        "source": SOURCE,
    }


def mentioned_symbols(title: str, body: str, universe: Collection[str]) -> set[str]:
    """Return the universe symbols a post names (cashtags anywhere, bare tickers in the title)."""
    named = {m.upper() for m in CASHTAG.findall(f"{title}\n{body}")}
    named |= {w for w in WORD.findall(title) if w not in AMBIGUOUS}
    return {s for s in named if s in universe}


def _older(current: dt.datetime | None, moment: dt.datetime) -> dt.datetime:
    return moment if current is None or moment < current else current


def _raw(child: object) -> Mapping[str, object] | str:
    return child if isinstance(child, Mapping) else repr(child)[:2000]
