"""The universe as it was: groups with a recorded membership history follow it.

`group_between` answers "who was in this group, and when, over these days": the intervals
recorded in market_data.universe_membership (the crypto top ten, kept by the
crypto_universe step), with universe.toml's list standing in where nothing is recorded (no
history for the group, or days before its history begins), and a note saying so.
`expand_groups` turns ``@group`` entries of a symbol list into every symbol that was a
member on some day of the window, keeping each group's intervals, so a backtest of
``--symbols @crypto`` can enter a coin only while it is in the top ten
(`tetra.strategy.membership`). `universe_on` adds the coins recorded in the group by a day
that universe.toml does not list (later joiners of the ranking, in or since left) as crypto
instruments, so a daily cycle knows and classifies them: it enters only members
(`tetra.cycle.members`), and must still know a coin that left to close a position in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from tetra.data.membership import MEMBERSHIP, history, overlapping
from tetra.data.ports import Query, Store
from tetra.data.universe import Universe, parse_group
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup

GROUP_MARK = "@"
SPAN_COLUMNS = ["symbol", "valid_from", "valid_to"]


@dataclass(frozen=True, slots=True)
class GroupSpans:
    """A group over a window: the days each member was in, and what stood in for a history.

    `spans` has one row per interval: `symbol`, `valid_from` and `valid_to` (first and last
    day in, inclusive; None where unbounded). `note` says where universe.toml's list stood in
    for a membership history that is not recorded (None when the history covers the window).
    """

    group: str
    spans: pd.DataFrame
    note: str | None = None

    @property
    def symbols(self) -> list[str]:
        """The symbols that were members on some day of the window, in first-seen order."""
        return list(dict.fromkeys(self.spans["symbol"].astype(str)))


@dataclass(frozen=True, slots=True)
class Expansion:
    """A symbol list with its ``@group`` entries expanded over a window."""

    symbols: list[str]
    groups: list[GroupSpans]


def group_between(
    store: Store, universe: Universe, group: str, first: dt.date, last: dt.date
) -> GroupSpans:
    """Return who was in `group` when, over [first, last] (see the module docstring)."""
    wanted = parse_group(group)
    configured = list(universe.by_group(wanted).symbols)
    rows = history(store, wanted.value)
    if rows.empty:
        note = (f"no membership history is recorded for @{wanted.value}: universe.toml's list "
                "stands in as its members on every day")  # fmt: skip
        return GroupSpans(wanted.value, _spans(configured, None), note)
    recorded = overlapping(rows, first, last)[SPAN_COLUMNS]
    begins = pd.Timestamp(rows["valid_from"].min()).date()
    if first >= begins:
        return GroupSpans(wanted.value, recorded.reset_index(drop=True))
    note = (f"@{wanted.value}'s membership history begins on {begins}: universe.toml's list "
            "stands in as its members before that day")  # fmt: skip
    before = _spans(configured, begins - dt.timedelta(days=1))
    return GroupSpans(wanted.value, pd.concat([before, recorded], ignore_index=True), note)


def expand_groups(
    store: Store, universe: Universe, names: Sequence[str], first: dt.date, last: dt.date
) -> Expansion:
    """Return `names` with each ``@group`` replaced by its members over [first, last]."""
    found: list[str] = []
    groups: list[GroupSpans] = []
    for name in names:
        if name.startswith(GROUP_MARK):
            groups.append(group_between(store, universe, name[len(GROUP_MARK) :].lower(),
                                        first, last))  # fmt: skip
            found += groups[-1].symbols
        else:
            found.append(name)
    return Expansion(list(dict.fromkeys(found)), groups)


def universe_on(store: Store, universe: Universe, day: dt.date) -> Universe:
    """Return `universe` plus the coins recorded in the crypto group by `day` it does not list."""
    if not _has_history(store, UniverseGroup.CRYPTO):
        return universe
    rows = history(store, UniverseGroup.CRYPTO.value)
    recorded = rows.loc[pd.to_datetime(rows["valid_from"]) <= pd.Timestamp(day), "symbol"]
    joiners = [s for s in sorted(set(recorded.astype(str))) if s not in universe]
    return Universe((*universe.instruments, *(_crypto(symbol) for symbol in joiners)))


def _has_history(store: Store, group: UniverseGroup) -> bool:
    query = Query(MEMBERSHIP, where={"universe_group": group.value}, limit=1)
    return not store.read(query).empty


def _crypto(symbol: str) -> Instrument:
    return Instrument(symbol, symbol, AssetClass.CRYPTO, UniverseGroup.CRYPTO, "CRYPTO")


def _spans(symbols: Sequence[str], last: dt.date | None) -> pd.DataFrame:
    """Return intervals with no first day, ending on `last` (None: never), for `symbols`."""
    return pd.DataFrame([(s, None, last) for s in symbols], columns=SPAN_COLUMNS)
