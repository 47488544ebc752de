"""The universe on a day: the crypto group from its recorded history, else universe.toml."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tetra.data.membership import COLUMNS, seed_rows
from tetra.data.universe import load_universe
from tetra.data.universe_on import expand_groups, group_on, universe_on
from tetra.model.instruments import AssetClass
from tetra.testing.memory_store import InMemoryStore

UNIVERSE = load_universe()
CONFIGURED = list(UNIVERSE.by_group("crypto").symbols)
JOINED, LEFT = dt.date(2024, 7, 1), CONFIGURED[-1]


def store_with_history() -> InMemoryStore:
    """The configured ten from 2016, then on JOINED a newcomer replaces the last of them."""
    store = InMemoryStore()
    store.migrate()
    seeded = seed_rows("crypto", CONFIGURED, "coingecko")
    seeded.loc[seeded["symbol"] == LEFT, "valid_to"] = JOINED - dt.timedelta(days=1)
    joiner = pd.DataFrame(
        [("crypto", "NEWC", JOINED, None, 9, "rank 9", "coingecko")], columns=COLUMNS
    )
    store.upsert("market_data.universe_membership", pd.concat([seeded, joiner], ignore_index=True))
    return store


def test_without_a_history_the_group_is_the_configured_list() -> None:
    store = InMemoryStore()
    store.migrate()

    assert group_on(store, UNIVERSE, "crypto", dt.date(2024, 3, 1)) == CONFIGURED
    assert universe_on(store, UNIVERSE, dt.date(2024, 3, 1)) is UNIVERSE


def test_with_a_history_the_group_is_the_members_of_the_day() -> None:
    store = store_with_history()

    before = group_on(store, UNIVERSE, "crypto", JOINED - dt.timedelta(days=1))
    after = group_on(store, UNIVERSE, "crypto", JOINED)

    assert sorted(before) == sorted(CONFIGURED)
    assert sorted(after) == sorted([*CONFIGURED[:-1], "NEWC"])
    assert expand_groups(store, UNIVERSE, ["SPY", "@crypto", "BTC"], JOINED)[0] == "SPY"
    assert len(expand_groups(store, UNIVERSE, ["SPY", "@crypto", "BTC"], JOINED)) == 11
    assert group_on(store, UNIVERSE, "largest_etfs", JOINED) == list(
        UNIVERSE.by_group("largest_etfs").symbols
    )


def test_the_universe_of_a_day_knows_the_joiners_of_the_ranking_as_crypto() -> None:
    store = store_with_history()

    assert "NEWC" not in universe_on(store, UNIVERSE, JOINED - dt.timedelta(days=1))
    assert universe_on(store, UNIVERSE, JOINED).get("NEWC").asset_class is AssetClass.CRYPTO
