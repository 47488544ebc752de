"""Price and volume feature kinds, computed with the indicator library on the causal panel.

Every kind reads the forward-adjusted panel (`tetra.ml.panel`), so splits and dividends
after row t cannot reach row t. Returns and distances are plain fractions (0.01 = 1 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tetra.indicators import atr, macd, rate_of_change, rolling_zscore, rsi, sma
from tetra.ml.features.kinds import Compute, FeatureContext, register_kind
from tetra.ml.features.spec import Param

TRADING_DAYS = 252


def trailing_return(context: FeatureContext, /, window: Param, skip: Param = 0) -> np.ndarray:
    """Return over `window` days ending `skip` days ago (12-1 momentum: 252, skip 21)."""
    change = np.asarray(rate_of_change(context.panel.close, int(window))) / 100.0
    return _lagged(change, int(skip))


def volatility(context: FeatureContext, /, window: Param) -> np.ndarray:
    """Annualised standard deviation of daily log returns over `window` days."""
    logs = np.log1p(context.panel.returns())
    rolling = pd.DataFrame(logs).rolling(int(window), min_periods=int(window)).std()
    return np.asarray(rolling.to_numpy() * np.sqrt(TRADING_DAYS), dtype=np.float64)


def relative_strength(context: FeatureContext, /, period: Param = 14) -> np.ndarray:
    """RSI scaled to [0, 1]."""
    return np.asarray(rsi(context.panel.close, int(period))) / 100.0


def macd_histogram(
    context: FeatureContext, /, fast: Param = 12, slow: Param = 26, signal: Param = 9
) -> np.ndarray:
    """MACD histogram over the price, so symbols of any price compare."""
    close = context.panel.close
    histogram = np.asarray(macd(close, int(fast), int(slow), int(signal)).histogram)
    return np.asarray(histogram / close, dtype=np.float64)


def moving_average_distance(context: FeatureContext, /, window: Param) -> np.ndarray:
    """Price over its `window`-day simple moving average, minus 1."""
    close = context.panel.close
    return np.asarray(close / np.asarray(sma(close, int(window))) - 1.0, dtype=np.float64)


def volume_zscore(context: FeatureContext, /, window: Param = 20) -> np.ndarray:
    """Z-score of log traded value (split-proof, unlike share volume) over `window` days."""
    return np.asarray(rolling_zscore(np.log1p(context.panel.dollar_volume), int(window)))


def range_ratio(context: FeatureContext, /, period: Param = 14) -> np.ndarray:
    """Average true range over the price."""
    panel = context.panel
    ranges = np.asarray(atr(panel.high, panel.low, panel.close, int(period)))
    return np.asarray(ranges / panel.close, dtype=np.float64)


def _lagged(values: np.ndarray, rows: int) -> np.ndarray:
    if rows == 0:
        return values
    out = np.full(values.shape, np.nan)
    out[rows:] = values[:-rows]
    return out


_BAR_KINDS: dict[str, Compute] = {
    "return": trailing_return,
    "volatility": volatility,
    "rsi": relative_strength,
    "macd_histogram": macd_histogram,
    "sma_distance": moving_average_distance,
    "volume_zscore": volume_zscore,
    "atr_ratio": range_ratio,
}
for _name, _compute in _BAR_KINDS.items():
    register_kind(_name, _compute)
