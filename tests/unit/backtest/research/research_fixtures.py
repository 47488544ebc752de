"""A toy strategy and a regime-switching market for the research tests."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from pydantic import Field

from tetra.market import MarketData, OrderArrays, SizeKind
from tetra.strategy.base import Strategy, StrategyConfig


class HoldConfig(StrategyConfig):
    side: int = Field(1, ge=-1, le=1)
    fraction: float = Field(0.5, gt=0, le=1)


class Hold(Strategy[HoldConfig]):
    """Hold `side * fraction` of equity in every symbol, rebalanced at every bar."""

    name: ClassVar[str] = "hold"
    Config = HoldConfig

    def orders(self, market: MarketData) -> OrderArrays:
        size = np.full(market.shape, self.config.side * self.config.fraction)
        return OrderArrays.of(size, SizeKind.TARGET_PERCENT)


def trend_market(drifts: list[tuple[int, float]], start: str = "2020-01-01") -> MarketData:
    """One symbol whose log price moves by `drift` per bar for each (bars, drift) segment."""
    steps = np.concatenate([np.full(n, drift) for n, drift in drifts])
    wiggle = 0.002 * np.sin(np.arange(len(steps)))
    close = 100.0 * np.exp(np.cumsum(steps + wiggle))
    open_ = np.concatenate(([100.0], close[:-1]))
    bars = pd.DataFrame(
        {
            "symbol": "TRND",
            "interval": "1d",
            "ts": pd.date_range(start, periods=len(close), freq="B", tz="UTC"),
            "open": open_,
            "high": np.maximum(open_, close) * 1.001,
            "low": np.minimum(open_, close) * 0.999,
            "close": close,
            "volume": 1e6,
            "source": "test",
        }
    )
    return MarketData.from_frames(bars)
