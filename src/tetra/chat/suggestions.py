"""Questions to suggest, drawn from what the store actually holds."""

from __future__ import annotations

import re

from tetra.chat.context import SchemaContext, TableInfo

__all__ = ["suggested_questions"]

_MAX_SUGGESTIONS = 8
_NAME = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,11}")
_SERIES_WORDS = {
    "DGS10": "10-year Treasury yield",
    "UNRATE": "unemployment rate",
    "CPIAUCSL": "CPI",
    "FEDFUNDS": "fed funds rate",
    "VIXCLS": "VIX",
}


def suggested_questions(context: SchemaContext) -> list[str]:
    """Return up to eight questions answerable from the non-empty tables of `context`."""
    tables = {t.name: t for t in context.tables if not t.empty}
    questions: list[str] = []
    if ohlcv := tables.get("market_data.ohlcv"):
        first, second = ([*_examples(ohlcv, "symbol"), "SPY", "QQQ"])[:2]
        questions += [
            f"What was the latest close of {first}?",
            f"Return of {first} over the last 3 months",
            "Top 5 gainers over the last month",
            f"Compare {first} and {second} over the last year",
        ]
    if indicators := tables.get("economic_data.indicators"):
        series = [s for s in _examples(indicators, "series_id") if s in _SERIES_WORDS]
        questions += [f"What is the latest {_SERIES_WORDS[s]}?" for s in series[:2]]
    if sentiment := tables.get("news.sentiment"):
        symbol = ([*_examples(sentiment, "symbol"), "AAPL"])[0]
        questions.append(f"News sentiment for {symbol} over the last 30 days")
    if "ops.coverage" in tables:
        questions.append("Which symbols are missing the most sessions?")
    return questions[:_MAX_SUGGESTIONS]


def _examples(table: TableInfo, column: str) -> list[str]:
    found = next((c for c in table.columns if c.name == column), None)
    # Only names a user would type: '*' (market-wide sentiment) and the like stay out.
    return [v for v in found.examples if _NAME.fullmatch(v)] if found else []
