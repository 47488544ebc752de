"""Choose concrete sources for a run: the composition root's one place for that decision.

Live runs use what the settings make usable: yfinance (keyless) or Polygon for bars and
corporate actions, Binance for crypto bars, CoinGecko for crypto price series, FRED (keyed,
or its keyless CSV) for macro series, NewsAPI and Alpha Vantage for news when their keys
are set (articles without a vendor score are scored locally), Alpha Vantage earnings and
the economic calendar (FOMC always; CPI, payrolls and GDP release dates with a FRED key),
GDELT events and the GPR index (keyless), Reddit posts with an OAuth app, and CoinGecko's
market-cap ranking for the crypto group.
"""

from __future__ import annotations

from collections.abc import Sequence

from tetra.adapters.sources.alphavantage import AlphaVantageConfig, AlphaVantageSource
from tetra.adapters.sources.binance import BinanceConfig, BinanceSource
from tetra.adapters.sources.calendar import EconomicCalendarSource
from tetra.adapters.sources.coingecko import CoinGeckoConfig, CoinGeckoSource
from tetra.adapters.sources.fred import KEY_SERIES, FredConfig, FredSource
from tetra.adapters.sources.gdelt import GdeltConfig, GdeltSource
from tetra.adapters.sources.gpr import GprConfig, GprSource
from tetra.adapters.sources.newsapi import NewsApiConfig, NewsApiSource
from tetra.adapters.sources.polygon import PolygonSource
from tetra.adapters.sources.reddit import RedditConfig, RedditSource
from tetra.adapters.sources.sample import SampleSource
from tetra.adapters.sources.sample_calendar import SampleCalendarSource
from tetra.adapters.sources.sample_extras import (
    SampleMacroSource,
    SampleNewsSource,
    score_sample_articles,
)
from tetra.adapters.sources.sample_world import (
    SampleGeopoliticalSource,
    SampleRanking,
    SampleSocialSource,
)
from tetra.adapters.sources.yfinance import YFinanceSource
from tetra.core.errors import ConfigurationError
from tetra.data.pipeline import Sources
from tetra.data.sentiment import score_articles
from tetra.data.sources import EventSource, Fetched, GeopoliticalSource, NewsSource
from tetra.model.instruments import Instrument
from tetra.sample.history import SampleSpec
from tetra.settings import Settings

BAR_SOURCES = ("sample", "yfinance", "polygon")
ECONOMIC_SERIES = tuple(KEY_SERIES)


def sample_sources(instruments: Sequence[Instrument], spec: SampleSpec | None = None) -> Sources:
    """Every dataset the sample universe has, served through the same ports as a vendor's.

    Bars and corporate actions (crypto included); macro series, their metadata served as
    events; news, scored offline like live news.
    """
    sample = SampleSource(instruments, spec)
    macro = SampleMacroSource(sample.spec)
    return Sources(
        bars=sample,
        corporate_actions=sample,
        crypto_bars=sample,
        economic=macro,
        news=(SampleNewsSource(sample),),
        events=(macro, SampleCalendarSource(macro)),
        score_news=score_sample_articles,
        geopolitical=(SampleGeopoliticalSource(sample.spec),),
        social=(SampleSocialSource(sample),),
        ranking=SampleRanking(sample),
    )


def live_sources(
    settings: Settings, instruments: Sequence[Instrument], bar_source: str = "yfinance"
) -> Sources:
    """The vendor adapters that the settings make usable (keys present where needed)."""
    bars = _bar_source(settings, bar_source)
    coingecko = CoinGeckoSource(CoinGeckoConfig.from_settings(settings))
    return Sources(
        bars=bars,
        corporate_actions=bars,
        crypto_bars=BinanceSource(BinanceConfig.from_settings(settings)),
        price_series=coingecko,
        economic=FredSource(FredConfig.from_settings(settings)),
        news=_news_sources(settings, instruments),
        events=_event_sources(settings),
        score_news=score_locally,
        geopolitical=_geopolitical_sources(settings),
        social=_social_sources(settings, instruments),
        ranking=coingecko,
        crypto_top=settings.crypto_universe.top,
        apply_ranking=settings.crypto_universe.apply,
    )


def score_locally(articles: Fetched) -> Fetched | None:
    """Score every article offline (VADER and the finance lexicon) for the news step.

    Vendor-scored articles are scored too: the methods differ, so both scores are kept and
    every article has scores comparable across vendors.
    """
    if articles.rows.empty:
        return None
    return Fetched("news.sentiment", score_articles(articles.rows))


def _bar_source(settings: Settings, name: str) -> PolygonSource | YFinanceSource:
    if name == "polygon":
        if settings.polygon.api_key is None:
            raise ConfigurationError(
                "--source polygon needs TETRA_POLYGON__API_KEY (see .env.example)"
            )
        return PolygonSource.from_settings(settings)
    return YFinanceSource()


def _news_sources(settings: Settings, instruments: Sequence[Instrument]) -> tuple[NewsSource, ...]:
    found: list[NewsSource] = []
    if settings.newsapi.api_key is not None:
        companies = {i.symbol: i.name for i in instruments}
        found.append(NewsApiSource(NewsApiConfig(settings.newsapi.api_key, companies=companies)))
    if settings.alphavantage.api_key is not None:
        found.append(AlphaVantageSource(AlphaVantageConfig(settings.alphavantage.api_key)))
    return tuple(found)


def _event_sources(settings: Settings) -> tuple[EventSource, ...]:
    found: list[EventSource] = [EconomicCalendarSource(FredConfig.from_settings(settings))]
    if settings.alphavantage.api_key is not None:
        found.append(AlphaVantageSource(AlphaVantageConfig(settings.alphavantage.api_key)))
    return tuple(found)


def _geopolitical_sources(settings: Settings) -> tuple[GeopoliticalSource, ...]:
    found: list[GeopoliticalSource] = []
    if settings.gdelt.enabled:
        found.append(GdeltSource(GdeltConfig.from_settings(settings)))
    if settings.gpr.enabled:
        found.append(GprSource(GprConfig.from_settings(settings)))
    return tuple(found)


def _social_sources(
    settings: Settings, instruments: Sequence[Instrument]
) -> tuple[NewsSource, ...]:
    config = RedditConfig.from_settings(settings)
    if not config.keyed:
        return ()
    return (RedditSource(config, [i.symbol for i in instruments]),)
