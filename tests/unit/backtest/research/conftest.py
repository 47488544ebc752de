"""Fixtures of the research tests: a small random-walk market."""

from __future__ import annotations

import pytest

from tetra.market import MarketData
from tetra.testing import bars_frame


@pytest.fixture(scope="session")
def market() -> MarketData:
    """Three random-walk symbols over 400 business days."""
    return MarketData.from_frames(bars_frame(("AAA", "BBB", "CCC"), periods=400, seed=7))
