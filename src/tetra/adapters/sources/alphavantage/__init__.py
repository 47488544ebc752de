"""Alpha Vantage: NEWS_SENTIMENT (articles with vendor sentiment) and EARNINGS_CALENDAR."""

from tetra.adapters.sources.alphavantage.config import AlphaVantageConfig
from tetra.adapters.sources.alphavantage.data import AlphaVantageSource

__all__ = ["AlphaVantageConfig", "AlphaVantageSource"]
