"""Settings of the paper broker: when orders fill, and at what cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from tetra.simulation.orders import Costs


class PaperFills(StrEnum):
    """When a paper order fills."""

    LATEST = "latest"  # at once against the latest price (market; marketable limits)
    NEXT_BAR = "next_bar"  # on the next bar, by the backtest's rules


@dataclass(frozen=True)
class PaperConfig:
    """The costs are the backtest's own model, so paper results and backtests agree."""

    fills: PaperFills = PaperFills.LATEST
    costs: Costs = field(default_factory=Costs)
    cash: Decimal = Decimal(1_000_000)
    name: str = "paper"
