"""How a backtest reads ``@group`` symbols: every member of the run, entered only while in.

Shared by `tetra backtest` and the API's backtests, sweeps and walk-forwards. ``@crypto``
becomes every coin that was in the recorded top ten on some day of the run
(`tetra.data.universe_on.expand_groups`), and the strategy runs under `MembersOnly`: it may
enter a coin only while it is in, and a coin that leaves is closed at the next open. Symbols
named outright trade all along. Where universe.toml's list stands in for a missing history,
or a member has no bars in the run, the run's notes say so; a stored run keeps the spans it
followed (`GroupMarket.stored`). `unknown_groups` checks the ``@group`` names up front.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tetra.core.errors import ValidationError
from tetra.data.ports import Query, Store
from tetra.data.universe import UnknownGroup, load_universe, parse_group
from tetra.data.universe_on import GROUP_MARK, GroupSpans, expand_groups
from tetra.market import Adjustment, MarketData, load_market
from tetra.strategy.base import Strategy
from tetra.strategy.membership import Membership, MembersOnly


@dataclass(frozen=True)
class GroupMarket:
    """The run's market, the membership its group members trade under, and notes to print."""

    market: MarketData
    membership: Membership | None
    notes: tuple[str, ...]

    def wrap(self, strategy: Strategy[Any]) -> Strategy[Any]:
        """Return `strategy` entering group members only while they are in."""
        return strategy if self.membership is None else MembersOnly(strategy, self.membership)

    def stored(self) -> dict[str, Any]:
        """Return what a stored run keeps of its groups: the spans its entries followed."""
        return {} if self.membership is None else {"membership": self.membership.as_json()}


def unknown_groups(named: Sequence[str]) -> dict[int, str]:
    """Return, by position in `named`, why each ``@group`` entry names no universe group."""
    found: dict[int, str] = {}
    for n, name in enumerate(named):
        if name.startswith(GROUP_MARK):
            try:
                parse_group(name[len(GROUP_MARK) :].lower())
            except UnknownGroup as error:
                found[n] = str(error)
    return found


def group_market(
    store: Store, named: Sequence[str], first: dt.date, last: dt.date, adjustment: Adjustment
) -> GroupMarket:
    """Load the market of `named` (``@group`` entries expanded over [first, last])."""
    expansion = expand_groups(store, load_universe(), named, first, last)
    members = {s for group in expansion.groups for s in group.symbols} - set(named)
    unpriced = members - _with_bars(store, sorted(members), first, last)
    wanted = [symbol for symbol in expansion.symbols if symbol not in unpriced]
    if not wanted:
        raise ValidationError(f"no bars between {first} and {last} for {sorted(unpriced)}")
    market = load_market(store, wanted, first, last, adjustment=adjustment)
    notes = [group.note for group in expansion.groups if group.note]
    if unpriced:
        notes.append(
            f"left out, with no bars from {first} to {last}: {', '.join(sorted(unpriced))}"
        )
    return GroupMarket(market, _membership(expansion.groups, named), tuple(notes))


def _membership(groups: Sequence[GroupSpans], named: Sequence[str]) -> Membership | None:
    """Return the groups' spans as a `Membership`; None when no member ever leaves or joins."""
    if not groups:
        return None
    spans = pd.concat([group.spans for group in groups], ignore_index=True)
    spans = spans[~spans["symbol"].isin(named)]  # named outright: traded all along
    if spans[["valid_from", "valid_to"]].isna().all(axis=None):
        return None
    return Membership.of(spans, ", ".join(f"@{group.group}" for group in groups))


def _with_bars(store: Store, symbols: list[str], first: dt.date, last: dt.date) -> set[str]:
    if not symbols:
        return set()
    where = {"symbol": symbols, "interval": "1d"}
    query = Query("market_data.ohlcv", where=where, start=first, end=last + dt.timedelta(days=1),
                  columns=["symbol"])  # fmt: skip
    return set(store.read(query)["symbol"].astype(str))
