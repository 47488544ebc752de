"""Seeded synthetic news for the sample store, whose tone follows the sample's prices.

Map of the module:
- `news_instruments`: the symbols that get news (the largest stocks, the crypto, a few big
  ETFs and growth names).
- `split_adjusted_returns`: daily log returns of the sample's raw bars, splits undone, so a
  split never reads as a crash.
- `generate_news`: a few articles per symbol and month over the last `years` of the history.
  Publication days lean towards big moves; each article's tone follows the symbol's move over
  the three sessions to the close before it is published (positive when the move exceeds
  `TONE_THRESHOLD` of its recent volatility, negative below minus that, else neutral), so
  locally scored sentiment correlates with returns without seeing the future.
- templates: headlines and one- or two-sentence summaries per asset class and tone, with
  fictional publishers and URLs under ``https://example.invalid/sample/``; no real people.

Each symbol draws from its own generator keyed on the seed and the symbol, so the articles of
one symbol do not depend on which other symbols are generated; URLs, hence ids, are stable.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import numpy as np
import pandas as pd

from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.model.news import article_id_for
from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.members import keyed_rng

ARTICLE_COLUMNS = (
    "article_id",
    "url",
    "title",
    "summary",
    "publisher",
    "author",
    "published_at",
    "symbols",
    "source",
)
REASON_COLUMNS = ("symbol", "tone", "move")  # why each article reads as it does; not stored
NEWS_ETFS = frozenset({"SPY", "QQQ", "IWM", "TLT", "IEF", "GLD", "EFA", "VWO", "XLE", "SMH"})
NEWS_GROWTH = frozenset(
    {"IONQ", "RKLB", "SMCI", "VRT", "OKLO", "HIMS", "CELH", "MU", "CEG", "ANET"}
)
NEWS_YEARS = 2
TONE_THRESHOLD = 0.75  # in units of the move's expected standard deviation
MOVE_SESSIONS = 3  # the summaries say "three sessions"
URL_ROOT = "https://example.invalid/sample"
PUBLISHERS = (
    "Sample Wire",
    "Synthetic Street Daily",
    "Placeholder Markets",
    "The Example Ledger",
    "Demo Finance Journal",
)
_MONTHLY_ARTICLES = {UniverseGroup.LARGEST_STOCKS: 7.0, UniverseGroup.CRYPTO: 6.0}
_OTHER_MONTHLY_ARTICLES = 4.0
_DESKS = {AssetClass.EQUITY: "Equities desk", AssetClass.ETF: "Funds desk"}
_CRYPTO_DESK = "Digital assets desk"


@dataclass(frozen=True, slots=True)
class Templates:
    """Headlines and closing sentences of one asset class, by tone."""

    headlines: Mapping[str, tuple[str, ...]]
    closings: Mapping[str, tuple[str, ...]]


_CLOSINGS = {
    "positive": (
        "Market participants pointed to solid demand and improving momentum.",
        "Analysts described the outlook as favorable.",
        "Traders said buying interest remained strong.",
    ),
    "negative": (
        "Market participants pointed to weaker demand and rising concerns.",
        "Analysts flagged downside risks to the outlook.",
        "Traders said selling pressure remained heavy.",
    ),
    "neutral": (
        "Trading volumes were close to their recent average.",
        "Company-specific headlines were sparse.",
        "Attention turned to upcoming economic data.",
    ),
}
TEMPLATES = {
    AssetClass.EQUITY: Templates(
        {
            "positive": (
                "{name} shares surge {pct} as investors cheer strong demand",
                "{name} rallies {pct} after upbeat quarterly results beat estimates",
                "{name} climbs {pct}; analysts raise price targets",
                "{name} stock jumps {pct} on robust growth outlook",
                "{name} gains {pct} as new product launch wins praise",
            ),
            "negative": (
                "{name} shares tumble {pct} as demand concerns weigh",
                "{name} slides {pct} after disappointing quarterly results",
                "{name} drops {pct}; analysts cut price targets",
                "{name} stock plunges {pct} amid growing worries over margins",
                "{name} falls {pct} as regulators open probe",
            ),
            "neutral": (
                "{name} trades flat as investors await next earnings report",
                "{name} unveils updated product roadmap at annual event",
                "What to watch for {name} this week",
                "{name} holds steady in quiet session",
                "{name} announces date of quarterly earnings call",
            ),
        },
        _CLOSINGS,
    ),
    AssetClass.ETF: Templates(
        {
            "positive": (
                "{name} climbs {pct} as inflows accelerate",
                "{name} rallies {pct} amid broad buying",
                "Investors pour money into {name} after {pct} advance",
                "{name} posts strong {pct} gain over three sessions",
            ),
            "negative": (
                "{name} slides {pct} as outflows mount",
                "{name} drops {pct} amid broad selling",
                "{name} suffers {pct} decline over three sessions",
                "Investors pull money from {name} after {pct} drop",
            ),
            "neutral": (
                "{name} trades in narrow range",
                "Fund flows into {name} roughly balanced this week",
                "{name} holds steady as markets await new data",
                "{name} publishes updated holdings",
            ),
        },
        _CLOSINGS,
    ),
    AssetClass.CRYPTO: Templates(
        {
            "positive": (
                "{name} surges {pct} as buyers return",
                "{name} rallies {pct}, extending gains",
                "{name} jumps {pct} on strong network activity",
                "{name} climbs {pct} as sentiment turns bullish",
            ),
            "negative": (
                "{name} tumbles {pct} as sellers take control",
                "{name} plunges {pct} amid liquidation wave",
                "{name} slides {pct} on regulatory worries",
                "{name} drops {pct} as risk appetite fades",
            ),
            "neutral": (
                "{name} trades sideways as volumes thin",
                "{name} little changed in quiet trading",
                "{name} holds range ahead of scheduled protocol update",
                "{name} steady as traders watch key levels",
            ),
        },
        {
            **_CLOSINGS,
            "neutral": (
                "Trading volumes were close to their recent average.",
                "On-chain activity was close to its recent average.",
                "Attention turned to upcoming economic data.",
            ),
        },
    ),
}
_LEGAL_SUFFIX = re.compile(
    r"(,?\s+(Inc\.?|Incorporated|Corporation|Corp\.?|Company|Co\.?|plc|AG|Ltd|Class [A-Z]|"
    r"and|&))+$"
)


def news_instruments(instruments: Sequence[Instrument]) -> tuple[Instrument, ...]:
    """Return the instruments that get news, in symbol order."""
    chosen = [
        i
        for i in instruments
        if i.group in (UniverseGroup.LARGEST_STOCKS, UniverseGroup.CRYPTO)
        or i.symbol in NEWS_ETFS
        or i.symbol in NEWS_GROWTH
    ]
    return tuple(sorted(chosen, key=lambda i: i.symbol))


def split_adjusted_returns(
    bars: pd.DataFrame, actions: pd.DataFrame, symbols: Sequence[str]
) -> dict[str, pd.Series]:
    """Return each symbol's daily log close-to-close returns (indexed by day), splits undone."""
    wanted = bars[bars["symbol"].isin(list(symbols))]
    splits = actions[(actions["action"] == "split") & actions["symbol"].isin(list(symbols))]
    found: dict[str, pd.Series] = {}
    for symbol, rows in wanted.groupby("symbol", sort=True):
        closes = np.log(rows["close"].to_numpy(np.float64))
        returns = pd.Series(closes, index=_days(rows["ts"])).diff()
        mine = splits[splits["symbol"] == symbol]
        ratios = np.log(mine["split_to"].to_numpy(np.float64) / mine["split_from"].to_numpy())
        ex_dates = _days(mine["ex_date"])
        inside = ex_dates.isin(returns.index)
        returns.loc[ex_dates[inside]] += ratios[inside]
        found[str(symbol)] = returns
    return found


def _days(stamps: pd.Series) -> pd.DatetimeIndex:
    """Return the days of `stamps` as naive midnight timestamps (UTC days when tz-aware)."""
    index = pd.DatetimeIndex(stamps)
    if index.tz is not None:
        index = index.tz_convert(None)
    return index.normalize()


def generate_news(
    instruments: Sequence[Instrument],
    returns: Mapping[str, pd.Series],
    end: dt.date,
    seed: int,
    years: int = NEWS_YEARS,
) -> pd.DataFrame:
    """Return news.articles rows over the `years` to `end`, plus `REASON_COLUMNS`.

    `returns` holds each instrument's daily log returns (`split_adjusted_returns`); an
    instrument without them gets no news.
    """
    start = _years_before(end, years) + dt.timedelta(days=1)
    rows = [
        row
        for instrument in sorted(instruments, key=lambda i: i.symbol)
        if instrument.symbol in returns
        for row in _symbol_news(instrument, returns[instrument.symbol], start, end, seed)
    ]
    columns = [*ARTICLE_COLUMNS, *REASON_COLUMNS]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    return frame


@dataclass(frozen=True, slots=True)
class Signal:
    """A possible publication day: the move over the sessions to the previous close."""

    day: dt.date
    as_of: dt.date  # the previous close's day
    move: float  # simple return over `MOVE_SESSIONS` sessions to `as_of`
    score: float  # the move in standard deviations of such moves, recently

    @property
    def month(self) -> tuple[int, int]:
        return self.day.year, self.day.month


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _symbol_news(
    instrument: Instrument, returns: pd.Series, start: dt.date, end: dt.date, seed: int
) -> list[dict[str, Any]]:
    rng = keyed_rng(seed, f"news:{instrument.symbol}")
    signals = move_signals(returns, start, end)
    rate = _MONTHLY_ARTICLES.get(instrument.group, _OTHER_MONTHLY_ARTICLES)
    rows: list[dict[str, Any]] = []
    for _, month in groupby(signals, key=lambda s: s.month):
        chosen = _publication_days(list(month), rate, rng)
        rows += [_article(instrument, signal, serial, rng) for serial, signal in enumerate(chosen)]
    return rows


def move_signals(returns: pd.Series, start: dt.date, end: dt.date) -> list[Signal]:
    """Return the days of `returns` in ``[start, end]`` with the move to the previous close."""
    move = returns.rolling(MOVE_SESSIONS).sum().shift(1).to_numpy()
    volatility = returns.ewm(span=40, min_periods=20).std().shift(1).to_numpy()
    score = move / (volatility * math.sqrt(MOVE_SESSIONS))
    days = pd.DatetimeIndex(returns.index).date
    inside = np.flatnonzero((days >= start) & (days <= end) & np.isfinite(score))
    return [
        Signal(days[i], days[i - 1], math.expm1(move[i]), float(score[i]))
        for i in inside.tolist()
        if i > 0
    ]


def tone_of(score: float) -> str:
    """Return the tone an article takes for a move of `score` standard deviations."""
    if score >= TONE_THRESHOLD:
        return "positive"
    if score <= -TONE_THRESHOLD:
        return "negative"
    return "neutral"


def _publication_days(month: list[Signal], rate: float, rng: np.random.Generator) -> list[Signal]:
    """Choose the month's publication days (repeats allowed), leaning towards big moves."""
    count = max(1, int(rng.poisson(rate)))
    weights = 0.5 + np.minimum(np.abs([s.score for s in month]), 4.0)
    picks = rng.choice(len(month), size=count, p=weights / weights.sum())
    return [month[p] for p in np.sort(picks)]


def _article(
    instrument: Instrument, signal: Signal, serial: int, rng: np.random.Generator
) -> dict[str, Any]:
    tone = tone_of(signal.score)
    templates = TEMPLATES[instrument.asset_class]
    name = display_name(instrument)
    title = _pick(rng, templates.headlines[tone]).format(name=name, pct=f"{abs(signal.move):.1%}")
    summary = f"{_fact(instrument, name, signal, tone)} {_pick(rng, templates.closings[tone])}"
    url = f"{URL_ROOT}/{_slug(instrument.symbol)}/{signal.day:%Y/%m/%d}/{serial:02d}"
    return {
        "article_id": article_id_for(url),
        "url": url,
        "title": title,
        "summary": summary,
        "publisher": _pick(rng, PUBLISHERS),
        "author": _DESKS.get(instrument.asset_class, _CRYPTO_DESK),
        "published_at": _published_at(instrument, signal.day, rng),
        "symbols": json.dumps([instrument.symbol]),
        "source": SAMPLE_SOURCE,
        "symbol": instrument.symbol,
        "tone": tone,
        "move": signal.move,
    }


def _published_at(instrument: Instrument, day: dt.date, rng: np.random.Generator) -> dt.datetime:
    """Return a UTC time on `day`: any hour for crypto, 12:00-23:00 for exchange-traded."""
    earliest = 0 if instrument.asset_class is AssetClass.CRYPTO else 12 * 60
    minutes = int(rng.integers(earliest, 23 * 60))
    return dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(minutes=minutes)


def _fact(instrument: Instrument, name: str, signal: Signal, tone: str) -> str:
    """Return the summary's first sentence: the move itself, through the previous close."""
    verb = {"positive": "rose", "negative": "fell"}.get(tone, "moved")
    size = f"{signal.move:+.1%}" if tone == "neutral" else f"{abs(signal.move):.1%}"
    label = name if name == instrument.symbol else f"{name} ({instrument.symbol})"
    as_of = signal.as_of
    return f"{label} {verb} {size} over the three sessions to {as_of:%B} {as_of.day}."


def display_name(instrument: Instrument) -> str:
    """Return the name headlines use: an ETF's ticker, else the name without legal suffixes."""
    if instrument.asset_class is AssetClass.ETF:
        return instrument.symbol
    name = _LEGAL_SUFFIX.sub("", instrument.name).strip()
    return name.removeprefix("The ") or instrument.symbol


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _slug(symbol: str) -> str:
    return symbol.lower().replace(".", "-")
