"""Pure functions from Alpha Vantage answers to catalog rows; no I/O.

Map: `vendor_signal` finds the quota / error notices Alpha Vantage sends with HTTP 200
(a JSON ``Note``, ``Information`` or ``Error Message``, also in place of a CSV, or that
notice spelled one letter per CSV cell); `parse_feed` turns a NEWS_SENTIMENT answer into
`news.articles` and `news.sentiment` rows; `parse_earnings` reads the EARNINGS_CALENDAR CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from tetra.adapters.sources.alphavantage.config import SOURCE
from tetra.adapters.sources.fields import optional_text
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable
from tetra.data.migrations import table
from tetra.data.sources import RawRecord, Window
from tetra.model.news import article_id_for

NOTICE_KEYS = ("Note", "Information", "Error Message")
EARNINGS_COLUMNS = ("symbol", "reportDate", "fiscalDateEnding", "estimate")
TIME_OF_DAY = {"pre-market": "bmo", "post-market": "amc"}
FEED_TIME_FORMAT = "%Y%m%dT%H%M%S"
Mapper = Callable[[str], str]


@dataclass
class Feed:
    """Rows gathered from NEWS_SENTIMENT answers, deduplicated on their natural keys."""

    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    sentiment: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    unparsed: list[RawRecord] = field(default_factory=list)


def vendor_signal(content: bytes, scrub: Mapper = str) -> Exception | None:
    """Return the error a 200 answer stands for, or None when it carries data.

    ``Note`` and ``Information`` mean the quota is spent (or the key refused): final for
    the window. An ``Error Message``, or an ``Information`` about invalid inputs, means
    the request itself is wrong, which no retry mends.
    """
    notice = _json_notice(content) or _spelled_notice(content)
    if notice is None:
        return None
    key, message = notice
    text = scrub(f"{key}: {message}")
    if key == "Error Message" or message.lower().startswith("invalid inputs"):
        return SourceUnavailable(SOURCE, text)
    return QuotaExhausted(SOURCE, text)


def _json_notice(content: bytes) -> tuple[str, str] | None:
    if not content.lstrip().startswith(b"{"):
        return None
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, Mapping) or "feed" in payload:
        return None
    for key in NOTICE_KEYS:
        if key in payload:
            return key, str(payload[key])
    return None


def _spelled_notice(content: bytes) -> tuple[str, str] | None:
    """Catch the throttled CSV whose first row spells the notice: ``I,n,f,o,r,m,a``."""
    lines = content.decode("utf-8", "replace").splitlines()
    if len(lines) < 2 or not lines[0].startswith("symbol,"):
        return None
    cells = lines[1].split(",")
    word = "".join(cells)
    if all(len(cell) <= 1 for cell in cells) and len(word) >= 3:
        for key in NOTICE_KEYS:
            if key.replace(" ", "").startswith(word):
                return key, f"notice spelled across the CSV cells ({lines[1]!r})"
    return None


def parse_feed(payload: object, feed: Feed, zone: ZoneInfo, to_symbol: Mapper) -> None:
    """Add one NEWS_SENTIMENT answer's rows to `feed`; raise `MalformedPayload` without a feed."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("feed"), list):
        shown = json.dumps(payload, default=str)[:2000]
        raise MalformedPayload(SOURCE, "answer has no 'feed' list", shown)
    for item in payload["feed"]:
        _add_item(item, feed, zone, to_symbol)


def _add_item(item: object, feed: Feed, zone: ZoneInfo, to_symbol: Mapper) -> None:
    try:
        if not isinstance(item, Mapping):
            raise TypeError("feed item is not an object")
        article = article_row(item, zone, to_symbol)
    except (KeyError, TypeError, ValueError) as error:
        raw = item if isinstance(item, Mapping) else repr(item)
        feed.unparsed.append(RawRecord(f"unreadable feed item: {error}", raw))
        return
    kept = feed.articles.setdefault(article["article_id"], article)
    kept["symbols"] = sorted({*kept["symbols"], *article["symbols"]})
    for row_or_problem in sentiment_rows(item, article, to_symbol):
        if isinstance(row_or_problem, RawRecord):
            feed.unparsed.append(row_or_problem)
        else:
            feed.sentiment.setdefault(
                (article["article_id"], row_or_problem["symbol"]), row_or_problem
            )


def article_row(item: Mapping[str, Any], zone: ZoneInfo, to_symbol: Mapper) -> dict[str, Any]:
    """Return the `news.articles` row of one feed item."""
    url, title = item["url"], item["title"]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"url {url!r} is not http(s)")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("feed item has no title")
    authors = item.get("authors") or []
    tickers = [ticker for _, ticker in _ticker_entries(item)]
    return {
        "article_id": article_id_for(url),
        "url": url,
        "title": title.strip(),
        "summary": optional_text(item.get("summary")),
        "publisher": optional_text(item.get("source")),
        "author": ", ".join(str(a) for a in authors) or None,
        "published_at": parse_time_published(item["time_published"], zone),
        "symbols": sorted({to_symbol(str(t)) for t in tickers}),
        "source": SOURCE,
    }


def parse_time_published(value: object, zone: ZoneInfo) -> dt.datetime:
    """Read ``YYYYMMDDTHHMMSS`` in the feed's zone and return it in UTC."""
    if not isinstance(value, str):
        raise TypeError(f"time_published {value!r} is not text")
    local = dt.datetime.strptime(value, FEED_TIME_FORMAT).replace(tzinfo=zone)
    return local.astimezone(dt.UTC)


def sentiment_rows(
    item: Mapping[str, Any], article: Mapping[str, Any], to_symbol: Mapper
) -> Iterable[dict[str, Any] | RawRecord]:
    """Yield the item's overall row (symbol ``*``) and one row per ticker, or why not."""
    entries: list[tuple[str, Mapping[str, Any]]] = [
        (
            "*",
            {
                "score": item.get("overall_sentiment_score"),
                "label": item.get("overall_sentiment_label"),
            },
        )
    ]
    for entry, ticker in _ticker_entries(item):
        scores: Mapping[str, Any] = {
            "score": entry.get("ticker_sentiment_score"),
            "label": entry.get("ticker_sentiment_label"),
            "relevance": entry.get("relevance_score"),
        }
        entries.append((to_symbol(ticker), scores))
    for symbol, scores in entries:
        try:
            yield _sentiment_row(article, symbol, scores)
        except (TypeError, ValueError) as error:
            key = f"{article['article_id']}/{symbol}"
            yield RawRecord(f"unreadable sentiment: {error}", {"symbol": symbol, **scores}, key)


def _ticker_entries(item: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str]]:
    """Return the per-ticker entries that name a ticker (others cannot be keyed)."""
    entries = item.get("ticker_sentiment") or []
    if not isinstance(entries, list):
        raise TypeError("ticker_sentiment is not a list")
    return [
        (entry, entry["ticker"])
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("ticker"), str)
    ]


def _sentiment_row(
    article: Mapping[str, Any], symbol: str, scores: Mapping[str, Any]
) -> dict[str, Any]:
    relevance = scores.get("relevance")
    return {
        "article_id": article["article_id"],
        "symbol": symbol,
        "method": "vendor",
        "score": bounded(scores["score"], -1.0, 1.0, "score"),
        "label": optional_text(scores.get("label")),
        "relevance": None if relevance is None else bounded(relevance, 0.0, 1.0, "relevance"),
        "published_at": article["published_at"],
        "source": SOURCE,
    }


def bounded(value: object, low: float, high: float, name: str) -> float:
    """Read a number given as a number or as text (per-ticker scores are strings)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"{name} {value!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} is too large a number") from None
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"{name} {number} outside [{low:g}, {high:g}]")
    return number


def parse_earnings(
    text: str, symbols: Sequence[str], window: Window, to_symbol: Mapper
) -> tuple[list[dict[str, Any]], list[RawRecord]]:
    """Read the EARNINGS_CALENDAR CSV: rows of `symbols` reporting inside `window`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = set(EARNINGS_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise MalformedPayload(SOURCE, f"earnings CSV lacks columns {sorted(missing)}", text[:2000])
    wanted = set(symbols)
    rows: list[dict[str, Any]] = []
    unparsed: list[RawRecord] = []
    for line in reader:
        try:
            row = earnings_row(line, to_symbol)
        except (TypeError, ValueError) as error:
            if to_symbol(line.get("symbol") or "") not in wanted:
                continue  # an unreadable row of a company nobody asked for
            unparsed.append(
                RawRecord(f"unreadable earnings row: {error}", dict(line), str(line.get("symbol")))
            )
            continue
        if row["symbol"] in wanted and window.start <= row["report_date"] <= window.end:
            rows.append(row)
    return rows, unparsed


def earnings_row(line: Mapping[str, str | None], to_symbol: Mapper) -> dict[str, Any]:
    """Return the `events.earnings` row of one CSV line."""
    symbol, report_date = line.get("symbol"), line.get("reportDate")
    if not symbol or not report_date:
        raise ValueError("symbol or reportDate is missing")
    fiscal_end = line.get("fiscalDateEnding")
    estimate = (line.get("estimate") or "").strip()
    return {
        "symbol": to_symbol(symbol),
        "report_date": dt.date.fromisoformat(report_date),
        # The period's end date: Alpha Vantage gives no fiscal quarter label.
        "fiscal_period": dt.date.fromisoformat(fiscal_end).isoformat() if fiscal_end else None,
        "time_of_day": TIME_OF_DAY.get((line.get("timeOfTheDay") or "").strip(), "unknown"),
        "eps_estimate": float(estimate) if estimate else None,
        "source": SOURCE,
    }


def frame(rows: Iterable[Mapping[str, Any]], dataset: str) -> pd.DataFrame:
    """Return rows as a frame with exactly the catalog columns of `dataset`."""
    records = [_json_symbols(row) for row in rows]
    result = pd.DataFrame.from_records(records, columns=list(table(dataset).column_names))
    if "published_at" in result.columns:
        result["published_at"] = pd.to_datetime(result["published_at"], utc=True)
    return result


def _json_symbols(row: Mapping[str, Any]) -> dict[str, Any]:
    symbols = row.get("symbols")
    return {**row, "symbols": json.dumps(symbols)} if isinstance(symbols, list) else dict(row)
