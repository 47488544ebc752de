"""News articles and the sentiment scores attached to them."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

from tetra.core.errors import ValidationError


def article_id_for(url: str) -> str:
    """Return the stable id of an article: a hash of its URL without query or fragment."""
    canonical = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").lower()
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class NewsArticle:
    """A news article; `symbols` are the tickers it concerns."""

    url: str
    title: str
    published_at: dt.datetime
    source: str
    summary: str | None = None
    publisher: str | None = None
    author: str | None = None
    symbols: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValidationError(f"article URL is not http(s): {self.url!r}")
        if not self.title.strip():
            raise ValidationError(f"article without a title: {self.url}")
        if self.published_at.tzinfo is None:
            raise ValidationError(f"article time must be timezone-aware: {self.url}")

    @property
    def article_id(self) -> str:
        return article_id_for(self.url)


@dataclass(frozen=True, slots=True)
class SentimentScore:
    """A sentiment score in [-1, 1] for one article and symbol, with the method that made it."""

    article_id: str
    symbol: str
    method: str
    score: float
    source: str
    label: str | None = None
    relevance: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.score) and -1.0 <= self.score <= 1.0):
            raise ValidationError(f"sentiment score {self.score} outside [-1, 1]")
        if self.relevance is not None and not 0.0 <= self.relevance <= 1.0:
            raise ValidationError(f"relevance {self.relevance} outside [0, 1]")
        if not self.method:
            raise ValidationError("sentiment score without a method")
