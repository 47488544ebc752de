"""NewsAPI (newsapi.org) `/v2/everything`: news articles, no vendor sentiment."""

from tetra.adapters.sources.newsapi.config import NewsApiConfig
from tetra.adapters.sources.newsapi.data import NewsApiSource

__all__ = ["NewsApiConfig", "NewsApiSource"]
