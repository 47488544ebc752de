"""The sample's macro series and news, served through the same ports as a vendor's.

- `SampleMacroSource` is an `EconomicSource` (economic_data.indicators, one vintage per
  observation) and an `EventSource` whose events are the series' metadata rows
  (economic_data.releases: title, units, frequency, seasonal adjustment), like FRED's.
  The VIX follows the realised volatility of the sample's broad market (`MARKET_PROXY`),
  generated here on its own: a symbol's split-adjusted path does not depend on the others,
  so the series are the same whichever instruments a run loads.
- `SampleNewsSource` is a `NewsSource` over `tetra.sample.news`, whose tone
  follows the prices of the `SampleSource` it is given; it gives no vendor scores, so
  `score_sample_articles` scores the articles offline, as live runs do, labelled 'sample'.
Every row says ``source = 'sample'``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tetra.adapters.sources.sample import SampleSource, sample_sessions, slice_days
from tetra.core.errors import SourceError
from tetra.data.migrations import table
from tetra.data.sentiment import score_articles
from tetra.data.sources import Fetched, Window
from tetra.data.universe import load_universe
from tetra.model.instruments import Instrument
from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.history import SampleSpec, generate_sample_history
from tetra.sample.macro import (
    SAMPLE_SERIES,
    SampleMacro,
    generate_macro,
    latest_releases,
)
from tetra.sample.news import (
    ARTICLE_COLUMNS,
    generate_news,
    news_instruments,
    split_adjusted_returns,
)

INDICATORS = "economic_data.indicators"
RELEASES = "economic_data.releases"
ARTICLES = "news.articles"
SENTIMENT = "news.sentiment"
MARKET_PROXY = "SPY"


class SampleMacroSource:
    """The sample's FRED-like series and their metadata, for any window inside its history."""

    name = SAMPLE_SOURCE

    def __init__(self, spec: SampleSpec | None = None, market: Instrument | None = None) -> None:
        self.spec = spec or SampleSpec()
        self.market = market or load_universe().get(MARKET_PROXY)
        self._macro: SampleMacro | None = None
        self._lock = asyncio.Lock()

    async def observations(self, series_id: str, window: Window) -> Fetched:
        """Return the series' observations dated in `window` (each with its one vintage)."""
        if series_id not in SAMPLE_SERIES:
            known = ", ".join(SAMPLE_SERIES)
            raise SourceError(self.name, f"{series_id} is not a sample series ({known})")
        found = (await self.macro()).observations
        dates = found["date"]
        keep = (found["series_id"] == series_id) & (dates >= window.start) & (dates <= window.end)
        return Fetched(INDICATORS, found[keep].reset_index(drop=True))

    async def events(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return each series' metadata, dated by its latest release inside `window`."""
        observations = (await self.macro()).observations
        return [Fetched(RELEASES, latest_releases(observations, window.start, window.end))]

    async def macro(self) -> SampleMacro:
        """Return every generated observation, generated once."""
        async with self._lock:
            if self._macro is None:
                self._macro = await asyncio.to_thread(self._generate)
        return self._macro

    def _generate(self) -> SampleMacro:
        days = sample_sessions(self.spec)
        history = generate_sample_history([self.market], days, self.spec)
        symbol = self.market.symbol
        returns = split_adjusted_returns(history.bars, history.corporate_actions, [symbol])
        on_sessions = returns[symbol].reindex(pd.DatetimeIndex(days)).fillna(0.0)
        return generate_macro(
            np.asarray(days), on_sessions.to_numpy(), self.spec.end, self.spec.seed
        )


class SampleNewsSource:
    """News about the sample universe's best-known symbols, toned by their sample prices."""

    name = SAMPLE_SOURCE

    def __init__(self, market: SampleSource) -> None:
        self.market = market
        self._articles: pd.DataFrame | None = None
        self._lock = asyncio.Lock()

    async def news(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return the articles about `symbols` published in `window`, and no vendor scores."""
        articles = await self.articles()
        about = slice_days(articles[articles["symbol"].isin(list(symbols))], "published_at", window)
        empty = pd.DataFrame(columns=list(table(SENTIMENT).column_names))
        return [Fetched(ARTICLES, about[list(ARTICLE_COLUMNS)]), Fetched(SENTIMENT, empty)]

    async def articles(self) -> pd.DataFrame:
        """Return every sample article, with its `symbol`, `tone` and `move`, generated once."""
        async with self._lock:
            if self._articles is None:
                history = await self.market.history()
                self._articles = await asyncio.to_thread(
                    self._generate, history.bars, history.corporate_actions
                )
        return self._articles

    def _generate(self, bars: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
        chosen = news_instruments(self.market.instruments)
        returns = split_adjusted_returns(bars, actions, [i.symbol for i in chosen])
        spec = self.market.spec
        return generate_news(chosen, returns, spec.end, spec.seed)


def score_sample_articles(articles: Fetched) -> Fetched | None:
    """Score sample articles offline (VADER and the finance lexicon), labelled 'sample'.

    The same scorer as live runs; only the label differs, since a sample store takes
    nothing but sample rows.
    """
    if articles.rows.empty:
        return None
    scored = score_articles(articles.rows)
    return Fetched(SENTIMENT, scored.assign(source=SAMPLE_SOURCE))
