"""The one definition of a trade, shared by the engines, the store, the reports and the API.

A trade is a round trip in one symbol: it opens when the position leaves flat and closes
when it is flat again (a fill through zero closes one trade and opens the next).

- **Closed** trade: `exit_ts` is set; `pnl` is realised, net of both sides' fees;
  `return_pct` is pnl over entry value. Only closed trades count in "number of trades",
  win rate, profit factor and expectancy.
- **Open** trade (a position still held when the run ends): no `exit_ts`, `exit_price`,
  `pnl` or `return_pct`; it is marked at `mark_price`, the symbol's last close in the run,
  and `unrealised_pnl` is what it would book if closed there at no cost: the P&L realised
  by partial exits, plus the held position's value at the mark less what it cost, less the
  fees paid so far. The held position is the engine's (splits included), its cost the
  entry fills' (a split changes the shares, not what they cost).

So every trades table satisfies rows = closed + open, and a screen that shows a count
shows both (see `trade_counts`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TRADE_COLUMNS = (
    "symbol",
    "side",  # "long" or "short"
    "quantity",
    "entry_ts",
    "entry_price",
    "exit_ts",  # missing while the trade is open
    "exit_price",
    "pnl",  # realised, net of both sides' fees; closed trades only
    "fees",
    "return_pct",  # pnl over entry value; closed trades only
    "exit_reason",  # signal, stop_loss, take_profit, trailing_stop, time_exit; "" while open
    "mark_price",  # open trades only: the last close of the run
    "unrealised_pnl",  # open trades only, net of the fees paid so far
)

# Columns a trades table may lack (tables from before they existed); readers default them.
OPTIONAL_TRADE_COLUMNS = frozenset({"exit_reason", "mark_price", "unrealised_pnl"})


@dataclass(frozen=True, slots=True)
class TradeCounts:
    """How many trades a table holds, closed and open."""

    closed: int
    open: int

    @property
    def total(self) -> int:
        return self.closed + self.open


@dataclass(frozen=True, slots=True)
class Mark:
    """Where an open trade is valued: the last close and the position then held (signed)."""

    price: float
    position: float


def unrealised_pnl(
    side: str, mark: Mark, cost_of_held: float, realised: float, fees: float
) -> float:
    """Return an open trade's P&L at `mark` (see the module docstring); NaN without a price.

    `cost_of_held`: the held shares' entry value, positive for longs and shorts alike.
    """
    if not math.isfinite(mark.price):
        return math.nan
    direction = 1.0 if side == "long" else -1.0
    held_value = abs(mark.position) * mark.price
    return direction * (held_value - cost_of_held) + realised - fees
