"""The universe on a day: the crypto group from its recorded history, else universe.toml."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tetra.data.membership import COLUMNS, seed_rows
from tetra.data.universe import load_universe
from tetra.data.universe_on import expand_groups, group_between, universe_on
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


def test_without_a_history_the_configured_list_stands_in_and_says_so() -> None:
    store = InMemoryStore()
    store.migrate()

    found = group_between(store, UNIVERSE, "crypto", dt.date(2024, 3, 1), dt.date(2024, 9, 1))

    assert found.symbols == CONFIGURED
    assert found.spans["valid_from"].isna().all()
    assert found.spans["valid_to"].isna().all()
    assert found.note is not None
    assert "universe.toml" in found.note
    assert universe_on(store, UNIVERSE, dt.date(2024, 3, 1)) is UNIVERSE


def test_with_a_history_the_group_is_every_member_of_the_window_with_its_days() -> None:
    store = store_with_history()
    day = dt.timedelta(days=1)

    before = group_between(store, UNIVERSE, "crypto", JOINED - 9 * day, JOINED - day)
    across = group_between(store, UNIVERSE, "crypto", JOINED - 9 * day, JOINED + 9 * day)

    assert sorted(before.symbols) == sorted(CONFIGURED)
    assert sorted(across.symbols) == sorted([*CONFIGURED, "NEWC"])
    assert across.note is None
    spans = across.spans.set_index("symbol")
    assert spans.loc[LEFT, "valid_to"] == JOINED - day
    assert spans.loc["NEWC", "valid_from"] == JOINED


def test_days_before_the_history_begins_take_the_configured_list_and_say_so() -> None:
    store = store_with_history()

    found = group_between(store, UNIVERSE, "crypto", dt.date(2015, 6, 1), dt.date(2016, 6, 1))

    assert sorted(found.symbols) == sorted(CONFIGURED)
    assert found.note is not None
    assert "begins on 2016-01-01" in found.note
    assert (found.spans["valid_to"] == dt.date(2015, 12, 31)).sum() == len(CONFIGURED)


def test_expanding_groups_keeps_named_symbols_first_and_each_groups_spans() -> None:
    store = store_with_history()

    found = expand_groups(store, UNIVERSE, ["SPY", "@crypto", "BTC", "@largest_etfs"],
                          JOINED - dt.timedelta(days=3), JOINED)  # fmt: skip

    assert found.symbols[0] == "SPY"
    assert found.symbols.count("BTC") == 1
    assert "NEWC" in found.symbols
    assert LEFT in found.symbols
    assert [group.group for group in found.groups] == ["crypto", "largest_etfs"]
    assert found.groups[1].symbols == list(UNIVERSE.by_group("largest_etfs").symbols)
    assert found.groups[1].note is not None


def test_the_universe_of_a_day_knows_the_joiners_of_the_ranking_as_crypto() -> None:
    store = store_with_history()

    assert "NEWC" not in universe_on(store, UNIVERSE, JOINED - dt.timedelta(days=1))
    assert universe_on(store, UNIVERSE, JOINED).get("NEWC").asset_class is AssetClass.CRYPTO
