"""The vocabulary a strategy is written against, below both strategies and engines.

- `panel`: `MarketData`, the aligned T x N panel of bars with corporate actions, its price
  modes (`Adjustment`) and `load_market` (from a store);
- `orders`: `OrderKind`, `SizeKind`, `TimeInForce` (their int codes feed the exchange's numba
  kernels) and `OrderArrays`, a compiled strategy's decisions;
- `context`: `BarContext`, what a per-bar strategy sees and how it places orders, and
  `BarView`, a context over another one that decides what becomes of its orders.

Strategies import from here; the engines (`tetra.backtest`) import strategies and this; the
simulated exchange (`tetra.simulation.exchange`) takes its order codes from here.
"""

from tetra.market.context import BarContext, BarView, PlacedOrder
from tetra.market.orders import OrderArrays, OrderKind, SizeKind, TimeInForce
from tetra.market.panel import FIELDS, Adjustment, MarketData, adjusted, load_market

__all__ = [
    "FIELDS",
    "Adjustment",
    "BarContext",
    "BarView",
    "MarketData",
    "OrderArrays",
    "OrderKind",
    "PlacedOrder",
    "SizeKind",
    "TimeInForce",
    "adjusted",
    "load_market",
]
