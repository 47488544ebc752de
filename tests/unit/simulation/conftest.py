"""Fixtures of the simulator's tests."""

from __future__ import annotations

import pytest
from sim_builders import known_panel

from tetra.market import MarketData


@pytest.fixture(scope="module")
def panel() -> MarketData:
    """A three-symbol daily panel with correlated moves and a few jumps."""
    return known_panel()
