"""Yahoo Finance through the unofficial yfinance library: raw daily bars, splits, dividends."""

from tetra.adapters.sources.yfinance.config import YFinanceConfig
from tetra.adapters.sources.yfinance.data import YFinanceSource

__all__ = ["YFinanceConfig", "YFinanceSource"]
