"""Who is in a universe group on a given day, and how a market-cap ranking changes it.

Membership rows (market_data.universe_membership) are intervals: ``valid_from`` to
``valid_to`` (null while still in). `ranking_changes` compares today's open intervals with a
fresh top-N ranking and returns the rows that record the change (new intervals for joiners,
closed intervals for leavers); `members_on` answers "who was in on that day", `overlapping`
"who was in at any day of a window" (the intervals a backtest over that window follows),
`known_on` "what was known of these symbols on that day" (the daily cycle's view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from tetra.data.ports import Query, Store
from tetra.data.sources import RankedAsset

MEMBERSHIP = "market_data.universe_membership"
# Until a ranking is first recorded, the configured list is taken as the group all along: the
# start of the history Tetra keeps (see universe.toml), not the day of the first run.
HISTORY_START = dt.date(2016, 1, 1)
COLUMNS = ["universe_group", "symbol", "valid_from", "valid_to", "rank", "reason", "source"]


@dataclass(frozen=True, slots=True)
class Changes:
    """What a ranking changes: who joins, who leaves, and the rows recording it."""

    joined: tuple[str, ...]
    left: tuple[str, ...]
    rows: pd.DataFrame

    @property
    def summary(self) -> str:
        if not self.joined and not self.left:
            return "no change"
        return f"joins: {', '.join(self.joined) or '-'}; leaves: {', '.join(self.left) or '-'}"


def open_members(store: Store, group: str) -> pd.DataFrame:
    """Return the group's open intervals (valid_to null)."""
    rows = store.read(Query(MEMBERSHIP, where={"universe_group": group}))
    return rows[rows["valid_to"].isna()].reset_index(drop=True)


def seed_rows(
    group: str, symbols: Sequence[str], source: str, since: dt.date = HISTORY_START
) -> pd.DataFrame:
    """Return open intervals from `since` for a group's configured symbols (the first record).

    `source` is the ranking's vendor, whose history the intervals become part of.
    """
    reason = "configured in universe.toml"
    rows = [(group, s, since, None, None, reason, source) for s in symbols]
    return pd.DataFrame(rows, columns=COLUMNS)


def ranking_changes(
    current: pd.DataFrame, ranking: Sequence[RankedAsset], group: str, day: dt.date, vendor: str
) -> Changes:
    """Return how the top of `ranking` changes the open intervals in `current` on `day`."""
    members = set(current["symbol"])
    top = {asset.symbol: asset for asset in ranking}
    joined = tuple(sorted(set(top) - members))
    left = tuple(sorted(members - set(top)))
    new = [
        (group, s, day, None, top[s].rank, f"rank {top[s].rank} on {vendor}", vendor)
        for s in joined
    ]
    closed = current[current["symbol"].isin(left)].assign(
        valid_to=day - dt.timedelta(days=1), reason=f"out of the top {len(ranking)} on {vendor}"
    )
    rows = pd.concat([pd.DataFrame(new, columns=COLUMNS), closed[COLUMNS]], ignore_index=True)
    return Changes(joined, left, rows)


def members_on(store: Store, group: str, day: dt.date) -> list[str]:
    """Return the symbols in `group` on `day` (empty when no history is recorded)."""
    rows = overlapping(history(store, group), day, day)
    return sorted(rows["symbol"].astype(str).unique())


def known_on(store: Store, symbols: Sequence[str], day: dt.date) -> pd.DataFrame:
    """Return the membership rows of `symbols` (any group) as they stood known on `day`.

    Rows starting after `day` are left out, and an interval still running on `day` stays
    open (valid_to None): a leaver is recorded from its first day out, so its closed interval
    is known from then, never before (a replay reads the later rows too).
    """
    if not symbols:
        return pd.DataFrame(columns=COLUMNS)
    rows = store.read(Query(MEMBERSHIP, where={"symbol": list(symbols)}))
    if rows.empty:
        return rows
    rows = rows.loc[pd.to_datetime(rows["valid_from"]) <= pd.Timestamp(day)].copy()
    ended = pd.to_datetime(rows["valid_to"]) < pd.Timestamp(day)
    rows["valid_to"] = rows["valid_to"].astype(object).where(ended, None)
    return rows.reset_index(drop=True)


def history(store: Store, group: str) -> pd.DataFrame:
    """Return every membership row recorded for `group` (empty when none is)."""
    return store.read(Query(MEMBERSHIP, where={"universe_group": group}))


def overlapping(rows: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Return the membership `rows` whose interval shares a day with [first, last]."""
    if rows.empty:
        return rows
    starts = pd.to_datetime(rows["valid_from"])
    ends = pd.to_datetime(rows["valid_to"])
    inside = (starts <= pd.Timestamp(last)) & (ends.isna() | (ends >= pd.Timestamp(first)))
    return rows.loc[inside].reset_index(drop=True)
