"""Specification of the packaged universe file and of its loader."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from tetra.core.errors import TetraError
from tetra.data.universe import (
    Universe,
    UniverseConfigError,
    UnknownGroup,
    UnknownSymbol,
    load_universe,
)
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup

HISTORY_START = dt.date(2016, 1, 1)

VALID_ENTRY = (
    '{ symbol = "SPY", name = "SPDR S&P 500 ETF Trust", asset_class = "etf", '
    'themes = ["broad_market"], exchange = "NYSE Arca" }'
)


@pytest.fixture(scope="module")
def universe() -> Universe:
    return load_universe()


def write_universe(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "universe.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> Universe:
    return load_universe(write_universe(tmp_path, text))


# The packaged universe


def test_packaged_universe_holds_between_145_and_165_symbols(universe: Universe) -> None:
    assert 145 <= len(universe) <= 165


def test_packaged_universe_has_no_duplicate_symbols(universe: Universe) -> None:
    assert [s for s, n in Counter(universe.symbols).items() if n > 1] == []


@pytest.mark.parametrize("group", list(UniverseGroup))
def test_every_group_is_non_empty(universe: Universe, group: UniverseGroup) -> None:
    assert len(universe.by_group(group)) > 0


def test_crypto_group_holds_exactly_ten_coins(universe: Universe) -> None:
    crypto = universe.by_group(UniverseGroup.CRYPTO)

    assert len(crypto) == 10
    assert {i.asset_class for i in crypto} == {AssetClass.CRYPTO}
    assert {"BTC", "ETH", "SOL"} <= set(crypto.symbols)


def test_largest_stocks_group_holds_exactly_thirty_equities(universe: Universe) -> None:
    stocks = universe.by_group(UniverseGroup.LARGEST_STOCKS)

    assert len(stocks) == 30
    assert {i.asset_class for i in stocks} == {AssetClass.EQUITY}


@pytest.mark.parametrize("group", [UniverseGroup.LARGEST_ETFS, UniverseGroup.THEMED_ETFS])
def test_etf_groups_hold_only_etfs(universe: Universe, group: UniverseGroup) -> None:
    assert {i.asset_class for i in universe.by_group(group)} == {AssetClass.ETF}


def test_largest_etfs_span_short_mid_and_long_treasury_duration(universe: Universe) -> None:
    etfs = universe.by_group(UniverseGroup.LARGEST_ETFS)

    assert etfs.by_theme("bonds_short").symbols == ("SHY",)
    assert etfs.by_theme("bonds_intermediate").symbols == ("IEF",)
    assert etfs.by_theme("bonds_long").symbols == ("TLT",)


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        ("quantum", {"QTUM", "IONQ", "RGTI", "QBTS"}),
        ("data_center_reit", {"SRVR", "EQIX", "DLR"}),
        ("industrial_reit", {"PLD"}),
        ("nuclear", {"NLR", "OKLO", "CEG"}),
        ("uranium", {"URA", "CCJ"}),
        ("defense", {"LMT", "PLTR", "KTOS"}),
        ("ai_infrastructure", {"VRT", "ANET", "NVDA"}),
        ("consumer", {"CELH", "ONON"}),
        ("layer1", {"ETH", "SOL"}),
    ],
)
def test_themes_the_strategies_need_are_present(
    universe: Universe, theme: str, expected: set[str]
) -> None:
    assert expected <= set(universe.by_theme(theme).symbols)


def test_share_classes_use_a_dot(universe: Universe) -> None:
    assert universe.get("BRK.B").group is UniverseGroup.LARGEST_STOCKS


def test_listed_dates_are_dates_after_the_history_start(universe: Universe) -> None:
    listed = [i.listed for i in universe if i.listed is not None]

    assert listed
    assert all(type(date) is dt.date for date in listed)
    assert all(date > HISTORY_START for date in listed)


def test_listed_parses_to_the_first_trading_day(universe: Universe) -> None:
    assert universe.get("PLTR").listed == dt.date(2020, 9, 30)
    assert universe.get("SPY").listed is None


def test_every_instrument_has_a_lower_case_primary_theme(universe: Universe) -> None:
    assert all(i.themes and i.themes[0].islower() for i in universe)


def test_every_stock_names_its_sector(universe: Universe) -> None:
    assert all(i.sector for i in universe.by_asset_class(AssetClass.EQUITY))


# Universe queries


def test_get_of_unknown_symbol_raises_a_tetra_error_with_close_matches(
    universe: Universe,
) -> None:
    with pytest.raises(UnknownSymbol, match=r"'APPL'.*AAPL") as raised:
        universe.get("APPL")

    assert isinstance(raised.value, TetraError)


def test_by_group_accepts_the_group_name(universe: Universe) -> None:
    assert universe.by_group("crypto") == universe.by_group(UniverseGroup.CRYPTO)


def test_by_group_of_unknown_name_lists_the_valid_groups(universe: Universe) -> None:
    with pytest.raises(UnknownGroup, match=r"unknown group 'bonds'.*largest_etfs.*crypto"):
        universe.by_group("bonds")


def test_filters_chain_and_keep_file_order(universe: Universe) -> None:
    quantum_stocks = universe.by_group("growth_stocks").by_theme("quantum")

    assert quantum_stocks.symbols[:4] == ("IONQ", "RGTI", "QBTS", "QUBT")
    assert list(quantum_stocks) == [universe.get(s) for s in quantum_stocks.symbols]


def test_by_asset_class_keeps_only_that_class(universe: Universe) -> None:
    etfs = universe.by_asset_class(AssetClass.ETF)

    assert "SPY" in etfs
    assert "AAPL" not in etfs


def test_universe_built_directly_rejects_duplicate_symbols() -> None:
    spy = Instrument("SPY", "SPDR S&P 500", AssetClass.ETF, UniverseGroup.LARGEST_ETFS, "NYSE Arca")

    with pytest.raises(TetraError, match="duplicate symbols in universe: SPY"):
        Universe((spy, spy))


# Loading a file


def test_loads_a_valid_file_with_defaults(tmp_path: Path) -> None:
    universe = load_text(tmp_path, f"largest_etfs = [\n  {VALID_ENTRY},\n]\n")

    spy = universe.get("SPY")
    assert spy.currency == "USD"
    assert spy.sector is None
    assert spy.listed is None
    assert spy.themes == ("broad_market",)


def test_accepts_listed_as_an_iso_string(tmp_path: Path) -> None:
    entry = VALID_ENTRY.replace(" }", ', listed = "2020-09-30" }')

    universe = load_text(tmp_path, f"largest_etfs = [{entry}]")

    assert universe.get("SPY").listed == dt.date(2020, 9, 30)


def test_duplicate_symbol_across_groups_names_both_places(tmp_path: Path) -> None:
    text = f"largest_etfs = [{VALID_ENTRY}]\nthemed_etfs = [{VALID_ENTRY}]\n"

    with pytest.raises(UniverseConfigError, match=r"themed_etfs\[0\].*'SPY'.*largest_etfs\[0\]"):
        load_text(tmp_path, text)


def test_unknown_group_is_named_with_the_valid_groups(tmp_path: Path) -> None:
    with pytest.raises(UniverseConfigError, match=r"unknown group 'bond_etfs'.*largest_etfs"):
        load_text(tmp_path, f"bond_etfs = [{VALID_ENTRY}]")


@pytest.mark.parametrize(
    ("listed", "problem"),
    [
        ('"2020-13-01"', "not an ISO date"),
        ('"soon"', "not an ISO date"),
        ("2020-09-30T09:30:00", "without a time"),
        ("20200930", "must be a date"),
    ],
)
def test_bad_listed_date_names_the_entry(tmp_path: Path, listed: str, problem: str) -> None:
    entry = VALID_ENTRY.replace(" }", f", listed = {listed} }}")

    with pytest.raises(UniverseConfigError, match=rf"largest_etfs\[0\] \(SPY\).*{problem}"):
        load_text(tmp_path, f"largest_etfs = [{entry}]")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (VALID_ENTRY.replace('"SPY"', '"spy"'), "invalid symbol"),
        (VALID_ENTRY.replace('"etf"', '"bond"'), "unknown asset_class 'bond'"),
        (VALID_ENTRY.replace('"etf"', '"crypto"'), "does not fit group"),
        (VALID_ENTRY.replace('["broad_market"]', "[]"), "themes must be a non-empty array"),
        (VALID_ENTRY.replace('"broad_market"', '"Broad Market"'), "lower-case tag"),
        (VALID_ENTRY.replace(', exchange = "NYSE Arca"', ""), "missing field.*exchange"),
        (VALID_ENTRY.replace(" }", ', ticker = "X" }'), "unknown field.*ticker"),
        (VALID_ENTRY.replace('"SPDR S&P 500 ETF Trust"', "500"), "name must be a string"),
    ],
)
def test_invalid_entry_names_the_entry_and_the_problem(
    tmp_path: Path, entry: str, problem: str
) -> None:
    with pytest.raises(UniverseConfigError, match=rf"largest_etfs\[0\].*{problem}"):
        load_text(tmp_path, f"largest_etfs = [{entry}]")


def test_group_that_is_not_an_array_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(UniverseConfigError, match="crypto must be an array"):
        load_text(tmp_path, 'crypto = "BTC"')


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    path = write_universe(tmp_path, "largest_etfs = [")

    with pytest.raises(UniverseConfigError, match=f"{path.name}: not valid TOML"):
        load_universe(path)
