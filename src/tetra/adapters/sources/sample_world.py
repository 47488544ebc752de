"""The sample's geopolitics, social posts and crypto ranking, through the live ports.

- `SampleGeopoliticalSource`: a `GeopoliticalSource` with GDELT-shaped events and a GPR-like
  index (`tetra.sample.world`), one batch for the window.
- `SampleSocialSource`: a `NewsSource` of social posts about the sample's news symbols,
  their tone following the sample prices; scored offline by the pipeline like news.
- `SampleRanking`: a `MarketCapRanking` of the sample's crypto by the last close times a
  fixed supply, so the demo's crypto_universe step has a ranking to compare with.
Every row says ``source = 'sample'``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence

import pandas as pd

from tetra.adapters.sources.sample import SampleSource, first_day, slice_days
from tetra.data.migrations import table
from tetra.data.sources import Batch, Fetched, RankedAsset, Window
from tetra.model.instruments import AssetClass
from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.history import SampleSpec
from tetra.sample.news import news_instruments, split_adjusted_returns
from tetra.sample.world import generate_geopolitics, generate_gpr, generate_posts

EVENTS = "events.geopolitical"
INDICATORS = "economic_data.indicators"
ARTICLES = "news.articles"
SENTIMENT = "news.sentiment"


class SampleGeopoliticalSource:
    name = SAMPLE_SOURCE

    def __init__(self, spec: SampleSpec | None = None) -> None:
        self.spec = spec or SampleSpec()
        self._data: tuple[pd.DataFrame, pd.DataFrame] | None = None

    async def batches(
        self, window: Window, since: dt.datetime | None = None
    ) -> AsyncIterator[Batch]:
        events, gpr = await asyncio.to_thread(self.data)
        chosen = slice_days(events, "added_at", window)
        if since is not None:
            chosen = chosen[chosen["added_at"] > pd.Timestamp(since)]
        days = pd.to_datetime(gpr["date"])
        inside = gpr[(days >= pd.Timestamp(window.start)) & (days <= pd.Timestamp(window.end))]
        through = dt.datetime.combine(window.end, dt.time(23, 45), dt.UTC)
        yield Batch(
            [
                Fetched(EVENTS, chosen.assign(source=SAMPLE_SOURCE).reset_index(drop=True)),
                Fetched(INDICATORS, inside.assign(source=SAMPLE_SOURCE).reset_index(drop=True)),
            ],
            through=through,
        )

    def data(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self._data is None:
            events = generate_geopolitics(self.spec.end, self.spec.seed)
            gpr = generate_gpr(first_day(self.spec), self.spec.end, events, self.spec.seed)
            self._data = (events, gpr)
        return self._data


class SampleSocialSource:
    name = SAMPLE_SOURCE

    def __init__(self, market: SampleSource) -> None:
        self.market = market
        self._posts: pd.DataFrame | None = None
        self._lock = asyncio.Lock()

    async def news(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        posts = await self.posts()
        wanted = posts["symbols"].map(lambda s: any(f'"{x}"' in s for x in symbols))
        about = slice_days(posts[wanted], "published_at", window)
        frame = about.assign(source=SAMPLE_SOURCE)[list(table(ARTICLES).column_names)]
        empty = pd.DataFrame(columns=list(table(SENTIMENT).column_names))
        return [Fetched(ARTICLES, frame.reset_index(drop=True)), Fetched(SENTIMENT, empty)]

    async def posts(self) -> pd.DataFrame:
        async with self._lock:
            if self._posts is None:
                history = await self.market.history()
                chosen = [i.symbol for i in news_instruments(self.market.instruments)]
                returns = split_adjusted_returns(history.bars, history.corporate_actions, chosen)
                spec = self.market.spec
                self._posts = await asyncio.to_thread(generate_posts, returns, spec.end, spec.seed)
        return self._posts


class SampleRanking:
    name = SAMPLE_SOURCE

    def __init__(self, market: SampleSource) -> None:
        self.market = market

    async def ranking(self, count: int) -> list[RankedAsset]:
        history = await self.market.history()
        crypto = {i.symbol for i in self.market.instruments if i.asset_class is AssetClass.CRYPTO}
        bars = history.bars[history.bars["symbol"].isin(sorted(crypto))]
        last = bars.sort_values("ts").groupby("symbol")["close"].last()
        caps = (last * 1_000_000.0).sort_values(ascending=False)
        return [
            RankedAsset(str(symbol), rank, float(cap), str(symbol).lower())
            for rank, (symbol, cap) in enumerate(caps.head(count).items(), start=1)
        ]
