"""Offline sentiment scores for articles that come without a vendor's score.

`score_articles` turns `news.articles` rows into `news.sentiment` rows: one per article,
method and symbol (each of the article's `symbols`, and ``*`` for the article as a whole),
scored on title + summary. Methods:

- ``vader``: VADER's compound score (the `vaderSentiment` package), general-purpose.
- ``finance_lexicon``: (positive - negative) / (positive + negative) hits in Tetra's own
  finance lexicon (`tetra.data.finance_lexicon`), a hit flipped when a negator precedes it
  within three words; 0 when nothing matches.
- ``loughran_mcdonald``: the same formula over the Loughran-McDonald master dictionary,
  only when its CSV is at hand (`load_master_dictionary`; it is not bundled with Tetra).

Labels follow Alpha Vantage's thresholds so vendor and local scores read alike.
Deterministic: no randomness, no clock, no network.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tetra.data import finance_lexicon
from tetra.data.migrations import table

SOURCE = "tetra"
ALL_SYMBOLS = "*"
NEGATION_REACH = 3
_TOKEN = re.compile(r"[a-z]+(?:[-'][a-z]+)*")
Scorer = Callable[[str], float]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Positive and negative words (lower case) and the words that negate them."""

    positive: frozenset[str]
    negative: frozenset[str]
    negators: frozenset[str] = finance_lexicon.NEGATORS

    def score(self, text: str) -> float:
        """Return (pos - neg) / (pos + neg) over `text`'s hits, 0 when there are none."""
        tokens = _TOKEN.findall(text.lower())
        positive = negative = 0
        for index, token in enumerate(tokens):
            polarity = (token in self.positive) - (token in self.negative)
            if polarity and self._negated(tokens, index):
                polarity = -polarity
            positive += polarity > 0
            negative += polarity < 0
        hits = positive + negative
        return (positive - negative) / hits if hits else 0.0

    def _negated(self, tokens: Sequence[str], index: int) -> bool:
        return any(
            token in self.negators for token in tokens[max(0, index - NEGATION_REACH) : index]
        )


FINANCE_LEXICON = Lexicon(finance_lexicon.POSITIVE, finance_lexicon.NEGATIVE)


def load_master_dictionary(path: Path) -> Lexicon:
    """Read a Loughran-McDonald master dictionary CSV (columns Word, Positive, Negative).

    A non-zero Positive / Negative cell (the year the word was added) marks membership.
    """
    positive: set[str] = set()
    negative: set[str] = set()
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        for line in csv.DictReader(handle):
            word = (line.get("Word") or "").strip().lower()
            if word and _flag(line.get("Positive")):
                positive.add(word)
            if word and _flag(line.get("Negative")):
                negative.add(word)
    return Lexicon(frozenset(positive), frozenset(negative))


def _flag(cell: str | None) -> bool:
    try:
        return float(cell or 0) != 0
    except ValueError:
        return False


def sentiment_label(score: float) -> str:
    """Return Alpha Vantage's label for a score in [-1, 1].

    Its definition: x <= -0.35 Bearish; -0.35 < x <= -0.15 Somewhat-Bearish;
    -0.15 < x < 0.15 Neutral; 0.15 <= x < 0.35 Somewhat-Bullish; x >= 0.35 Bullish.
    """
    if score <= -0.35:
        return "Bearish"
    if score <= -0.15:
        return "Somewhat-Bearish"
    if score < 0.15:
        return "Neutral"
    if score < 0.35:
        return "Somewhat-Bullish"
    return "Bullish"


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def vader_score(text: str) -> float:
    """Return VADER's compound score of `text`, in [-1, 1]."""
    return float(_vader().polarity_scores(text)["compound"])


def scorers(lexicons: Mapping[str, Lexicon] | None = None) -> dict[str, Scorer]:
    """Return the available methods: vader, finance_lexicon, and any extra `lexicons`."""
    found: dict[str, Scorer] = {"vader": vader_score, "finance_lexicon": FINANCE_LEXICON.score}
    found.update({name: lexicon.score for name, lexicon in (lexicons or {}).items()})
    return found


def score_articles(
    articles: pd.DataFrame,
    methods: Sequence[str] = ("vader", "finance_lexicon"),
    *,
    lexicons: Mapping[str, Lexicon] | None = None,
) -> pd.DataFrame:
    """Return `news.sentiment` rows scoring each article by each method.

    `articles` needs article_id, title, summary, symbols (JSON text or list) and
    published_at. ``loughran_mcdonald`` needs ``lexicons={"loughran_mcdonald": ...}``.
    """
    available = scorers(lexicons)
    unknown = [m for m in methods if m not in available]
    if unknown:
        raise ValueError(f"unknown sentiment method(s) {unknown}; available: {sorted(available)}")
    rows = [
        row
        for article in articles.to_dict("records")
        for method in methods
        for row in _rows(article, method, available[method])
    ]
    frame = pd.DataFrame.from_records(rows, columns=list(table("news.sentiment").column_names))
    frame["relevance"] = frame["relevance"].astype("float64")
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    return frame


def _rows(article: Mapping[Any, Any], method: str, scorer: Scorer) -> Iterable[dict[str, Any]]:
    score = float(np.clip(scorer(article_text(article)), -1.0, 1.0))
    label = sentiment_label(score)
    for symbol in [*article_symbols(article.get("symbols")), ALL_SYMBOLS]:
        yield {
            "article_id": article["article_id"],
            "symbol": symbol,
            "method": method,
            "score": score,
            "label": label,
            "relevance": None,
            "published_at": article.get("published_at"),
            "source": SOURCE,
        }


def article_text(article: Mapping[Any, Any]) -> str:
    """Return the text scored: the title, then the summary when there is one."""
    parts = (article.get("title"), article.get("summary"))
    return ". ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def article_symbols(value: object) -> list[str]:
    """Return an article's symbols from JSON text, a list or an array; [] when absent."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return []
    return sorted({str(symbol) for symbol in value if symbol and symbol != ALL_SYMBOLS})
