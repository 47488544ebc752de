"""`MembersOnly`: a strategy that may enter a symbol only while it is a member of its group.

A `Membership` holds, per symbol, the spans of days it was in a group (the crypto top ten as
recorded each day); its `mask` over a market is True where a symbol may be entered (symbols
it does not name are always in). `MembersOnly(strategy, membership)` runs `strategy` on
the market of every symbol that was ever in, and on each bar t:

- an order for a symbol in at t passes unchanged;
- an order for a symbol out at t passes only if it is an exit (a target of zero): an entry,
  an add, a rebalance to a non-zero target, a reduction is dropped, since the position is
  flat once the symbol is out;
- on the first bar a symbol is out after being in (`leaving`), the strategy's own order for
  it is replaced by a market order targeting zero shares: decided at that bar's close, it
  fills at the next open, like every order. It also replaces a working order.

A symbol that rejoins may be entered again, when the strategy next orders it: a dropped
entry is not deferred, and the strategy is not told (as `ConditionalStrategy`). Membership
on day t counts as known at t's close: a ranking recorded for a day is taken during it.
Both paths drop and add the same orders, so they fill alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tetra.market import BarContext, MarketData, OrderArrays, PlacedOrder, SizeKind
from tetra.market.orders import DAY, MARKET, TARGET_SHARES
from tetra.strategy.base import Strategy
from tetra.strategy.library.conditional import GatedBar, is_exit
from tetra.strategy.wrapping import StandIn

Span = tuple[dt.date | None, dt.date | None]  # first and last day in, inclusive; None: unbounded


@dataclass(frozen=True)
class Membership:
    """The days each symbol of `label` (e.g. ``@crypto``) was a member, as spans."""

    spans: Mapping[str, tuple[Span, ...]]
    label: str = "its group"

    @classmethod
    def of(cls, rows: pd.DataFrame, label: str) -> Membership:
        """Build from rows of `symbol`, `valid_from`, `valid_to` (None/NaT: unbounded)."""
        spans: dict[str, tuple[Span, ...]] = {}
        for symbol, first, last in rows[["symbol", "valid_from", "valid_to"]].itertuples(
            index=False
        ):
            spans[str(symbol)] = (*spans.get(str(symbol), ()), (_day(first), _day(last)))
        return cls(spans, label)

    def mask(self, market: MarketData) -> np.ndarray:
        """Return (T, N) booleans: True where the symbol is a member on that row's day."""
        days = market.dates.astype("datetime64[D]")
        inside = np.ones(market.shape, dtype=bool)
        for n, symbol in enumerate(market.symbols):
            if symbol in self.spans:
                inside[:, n] = np.any([_within(days, span) for span in self.spans[symbol]], axis=0)
        return inside

    def describe(self) -> str:
        return f"entries while a member of {self.label}"

    def as_json(self) -> dict[str, Any]:
        """Return the label and spans as JSON values (days as ISO text, null unbounded)."""
        spans = {symbol: [[_iso(first), _iso(last)] for first, last in spans]
                 for symbol, spans in self.spans.items()}  # fmt: skip
        return {"label": self.label, "spans": spans}


def leaving(inside: np.ndarray) -> np.ndarray:
    """Return where a symbol is out on a row after being in on the row before."""
    left = np.zeros(inside.shape, dtype=bool)
    left[1:] = inside[:-1] & ~inside[1:]
    return left


def members_only(orders: OrderArrays, inside: np.ndarray) -> OrderArrays:
    """Return `orders` with entries outside membership dropped and an exit on each leaving."""
    left = leaving(inside)
    size = np.where(np.isfinite(orders.size) & ~inside & ~is_exit(orders.size, orders.size_kind),
                    np.nan, orders.size)  # fmt: skip
    if not left.any():
        return dataclasses.replace(orders, size=size)
    size[left] = 0.0
    codes = {"size_kind": TARGET_SHARES, "kind": MARKET, "time_in_force": DAY}
    changed: dict[str, Any] = {"size": size}
    for name, code in codes.items():
        changed[name] = np.where(left, code, getattr(orders, name))
    for name in ("limit", "stop", "stop_loss", "take_profit"):
        values = getattr(orders, name)
        if values is not None:
            changed[name] = np.where(left, np.nan, values)
    return dataclasses.replace(orders, **changed)


class MembersOnly(StandIn):
    """Run `strategy` entering symbols only while members (see the module docstring)."""

    name: ClassVar[str] = "members_only"

    def __init__(self, strategy: Strategy[Any], membership: Membership) -> None:
        super().__init__(strategy)
        self.membership = membership

    def orders(self, market: MarketData) -> OrderArrays | None:
        orders = self.strategy.orders(market)
        if orders is None:
            return None
        return members_only(orders, self.membership.mask(market))

    def init(self, market: MarketData) -> None:
        super().init(market)
        self._inside = self.membership.mask(market)
        self._leaving = leaving(self._inside)

    def on_bar(self, bar: BarContext) -> None:
        left = self._leaving[bar.t]
        self.strategy.on_bar(MemberBar(bar, self._inside[bar.t], left))
        for n in np.flatnonzero(left):
            bar.order(int(n), 0.0, SizeKind.TARGET_SHARES)

    def describe(self) -> str:
        return f"{self.strategy.describe()}, {self.membership.describe()}"


class MemberBar(GatedBar):
    """A bar whose orders pass for members, or as exits; none for a symbol leaving here.

    A leaving symbol's orders are dropped because `MembersOnly` places its exit after the
    strategy's bar, which would replace them anyway; dropping them keeps the decision log
    to the one order the compiled path has.
    """

    def __init__(self, bar: BarContext, inside: np.ndarray, left: np.ndarray) -> None:
        super().__init__(bar, inside)
        self._left = left

    def place(self, symbol: int | str, order: PlacedOrder) -> None:
        if not self._left[self.column(symbol)]:
            super().place(symbol, order)


def _day(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _within(days: np.ndarray, span: Span) -> np.ndarray:
    first, last = span
    after = days >= np.datetime64(first, "D") if first is not None else True
    before = days <= np.datetime64(last, "D") if last is not None else True
    return np.asarray(np.ones(days.shape, dtype=bool) & after & before)
