"""The universe as it was on a day: groups with a recorded membership history use it.

`group_on` answers "who was in this group on that day": the members recorded in
market_data.universe_membership (the crypto top ten, kept by the crypto_universe step) when
the store holds a history for the group that covers the day, else the configured list of
universe.toml. `expand_groups` turns ``@group`` entries of a symbol list into those members,
so ``--symbols @crypto --start 2024-03-01`` backtests that day's top ten, not today's.
`universe_on` adds the day's members that universe.toml does not list (later joiners of the
ranking) as crypto instruments, so a daily cycle knows and classifies them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tetra.data.membership import MEMBERSHIP, members_on
from tetra.data.ports import Query, Store
from tetra.data.universe import Universe, parse_group
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup

GROUP_MARK = "@"


def group_on(store: Store, universe: Universe, group: str, day: dt.date) -> list[str]:
    """Return the symbols of `group` on `day` (recorded history first, then the configuration)."""
    wanted = parse_group(group)
    recorded = members_on(store, wanted.value, day) if _has_history(store, wanted) else []
    return recorded or list(universe.by_group(wanted).symbols)


def expand_groups(
    store: Store, universe: Universe, names: Sequence[str], day: dt.date
) -> list[str]:
    """Return `names` with each ``@group`` replaced by its members on `day`, without repeats."""
    found: list[str] = []
    for name in names:
        if name.startswith(GROUP_MARK):
            found += group_on(store, universe, name[len(GROUP_MARK) :].lower(), day)
        else:
            found.append(name)
    return list(dict.fromkeys(found))


def universe_on(store: Store, universe: Universe, day: dt.date) -> Universe:
    """Return `universe` plus the crypto members on `day` that it does not list."""
    if not _has_history(store, UniverseGroup.CRYPTO):
        return universe
    joiners = [s for s in members_on(store, UniverseGroup.CRYPTO.value, day) if s not in universe]
    return Universe((*universe.instruments, *(_crypto(symbol) for symbol in joiners)))


def _has_history(store: Store, group: UniverseGroup) -> bool:
    query = Query(MEMBERSHIP, where={"universe_group": group.value}, limit=1)
    return not store.read(query).empty


def _crypto(symbol: str) -> Instrument:
    return Instrument(symbol, symbol, AssetClass.CRYPTO, UniverseGroup.CRYPTO, "CRYPTO")
