"""A market source over seeded random walks, so conversations run without a store."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "strategy"))

from strategy_tables import table

from tetra.market import MarketData
from tetra.strategy.spec import SpecInputs, StrategySpec


class WalkSource:
    """Seeded random walks per symbol (the same symbol always walks the same way)."""

    def market(self, symbols: Sequence[str], years: int) -> MarketData:
        rows = years * 252
        closes = {}
        for symbol in symbols:
            rng = np.random.default_rng(sum(map(ord, symbol)))
            closes[symbol] = list(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, rows))))
        return table(start="2019-01-01", **closes)

    def inputs(self, spec: StrategySpec) -> tuple[SpecInputs, list[str]]:
        return SpecInputs(), []

    def members(self) -> dict[str, list[str]]:
        return {"ai_infrastructure": ["NVDA", "AMD", "SMH"], "growth_stocks": ["NVDA", "PLTR"]}

    def stress(self, spec: StrategySpec, inputs: SpecInputs) -> tuple[list[dict[str, Any]], str]:
        return [], "the walks have no store to replay scenarios from"


@pytest.fixture
def walk_source() -> WalkSource:
    return WalkSource()
