"""The `Store` port's contract, run against every store: DuckDB, PostgreSQL and in-memory.

Each test states one clause of the contract in `tetra.data.ports.Store`. The `store` fixture
gives a fresh, migrated, live store of each backend; `store_maker` opens stores of other kinds
at the same fresh location. The last test is differential: random upsert sequences must
leave all three stores with identical content.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tetra.adapters.stores import open_store
from tetra.core.errors import InvalidBatch, SourceMismatch, StoreError
from tetra.data.batches import arrow_schema
from tetra.data.migrations import LATEST_VERSION, MIGRATIONS, catalog
from tetra.data.migrations import table as catalog_table
from tetra.data.ports import CoverageRow, Query, Store
from tetra.data.store_kind import StoreKind
from tetra.testing import InMemoryStore, bars_frame

OHLCV = "market_data.ohlcv"
OHLCV_COLUMNS = list(catalog_table(OHLCV).column_names)
UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=UTC)


def as_read(bars: pd.DataFrame) -> pd.DataFrame:
    """Return `bars` as `read()` gives them back: every catalog column, ordered by key."""
    full = bars.reindex(columns=OHLCV_COLUMNS)
    for absent in {"vwap", "trades"} - set(bars.columns):
        full[absent] = full[absent].astype("float64")
    ordered = full.sort_values(["symbol", "interval", "ts", "source"], kind="stable")
    return ordered.reset_index(drop=True)


def read_all(store: Store, table: str = OHLCV) -> pd.DataFrame:
    return store.read(Query(table))


# -- migrations ------------------------------------------------------------------------------


def test_migrate_on_new_store_applies_every_version_then_nothing(store_maker: Any) -> None:
    store = store_maker.open_unmigrated()

    first = store.migrate()
    second = store.migrate()

    assert first == [m.version for m in MIGRATIONS]
    assert second == []


def test_new_store_is_at_schema_version_zero(store_maker: Any) -> None:
    store = store_maker.open_unmigrated()

    assert store.schema_version() == 0


def test_new_store_used_before_migrate_raises_store_error(store_maker: Any) -> None:
    store = store_maker.open_unmigrated()

    with pytest.raises(StoreError, match="migrate"):
        store.count(OHLCV)


def test_schema_version_is_latest_after_migrate(store: Store) -> None:
    assert store.schema_version() == LATEST_VERSION


# -- round trips -----------------------------------------------------------------------------


def test_upsert_then_read_round_trips_ohlcv_values(store: Store) -> None:
    bars = bars_frame(("AAA", "BBB"), periods=4)
    bars["vwap"] = bars["close"]
    bars["trades"] = np.arange(len(bars), dtype=np.int64) * 1_000_000_007

    store.upsert(OHLCV, bars)
    result = read_all(store)

    pd.testing.assert_frame_equal(result, as_read(bars))


def test_read_gives_exactly_the_catalog_arrow_types(store: Store) -> None:
    store.upsert(OHLCV, bars_frame())

    result = store.read_arrow(Query(OHLCV))

    assert result.schema == arrow_schema(catalog_table(OHLCV))


def test_upsert_then_read_round_trips_dates_and_json(store: Store) -> None:
    symbols = pd.DataFrame(
        {
            "symbol": ["QQQ", "SPY"],
            "name": ["Invesco QQQ", "SPDR S&P 500"],
            "asset_class": ["etf", "etf"],
            "themes": pd.Series([["tech", "growth"], None], dtype=object),
            "currency": ["USD", "USD"],
            "listed": [dt.date(1999, 3, 10), None],
            "source": ["vendor", "vendor"],
        }
    )

    store.upsert("market_data.symbols", symbols)
    result = store.read_arrow(Query("market_data.symbols"))

    assert result.schema == arrow_schema(catalog_table("market_data.symbols"))
    assert result.column("themes").to_pylist() == ['["tech", "growth"]', None]
    assert result.column("listed").to_pylist() == [dt.date(1999, 3, 10), None]
    assert result.column("universe_group").to_pylist() == [None, None]


def test_json_objects_come_back_as_text_with_sorted_keys(store: Store) -> None:
    definitions = pd.DataFrame(
        {
            "strategy_id": ["s1", "s2"],
            "name": ["fast", "slow"],
            "kind": ["sma_crossover", "sma_crossover"],
            "config": pd.Series([{"slow": 50, "fast": 10}, {"slow": 200, "fast": 50}]),
            "created_at": [utc(2024, 1, 2), utc(2024, 1, 3)],
            "source": ["tetra", "tetra"],
        }
    )

    store.upsert("strategies.definitions", definitions)
    result = store.read_arrow(Query("strategies.definitions", columns=["config"]))

    assert result.column("config").to_pylist() == [
        '{"fast": 10, "slow": 50}',
        '{"fast": 50, "slow": 200}',
    ]


@pytest.mark.parametrize(
    "configs",
    [
        pytest.param([{"fast": 10}, {"window": 20}], id="different-keys"),
        pytest.param([{"fast": 10}, [1, "a"]], id="object-and-list"),
    ],
)
def test_json_values_of_any_shape_round_trip_unchanged(store: Store, configs: list[object]) -> None:
    definitions = pd.DataFrame(
        {
            "strategy_id": ["s1", "s2"],
            "name": ["a", "b"],
            "kind": ["custom", "custom"],
            "config": pd.Series(configs, dtype=object),
            "created_at": [utc(2024, 1, 2), utc(2024, 1, 3)],
            "source": ["tetra", "tetra"],
        }
    )

    store.upsert("strategies.definitions", definitions)
    result = store.read_arrow(Query("strategies.definitions", columns=["config"]))

    assert [json.loads(text) for text in result.column("config").to_pylist()] == configs


def test_upsert_then_read_round_trips_decimals_exactly(store: Store) -> None:
    trades = pd.DataFrame(
        {
            "run_id": ["r1", "r1"],
            "trade_id": ["t1", "t2"],
            "symbol": ["AAA", "BBB"],
            "side": ["long", "short"],
            "quantity": [Decimal("100"), Decimal("0.000000000001")],
            "entry_ts": [utc(2024, 1, 2, 15), utc(2024, 1, 3, 15)],
            "entry_price": [Decimal("123.456789012345"), Decimal("99999999999999999999.5")],
            "exit_price": [Decimal("124.1"), None],
            "source": ["tetra", "tetra"],
        }
    )

    store.upsert("strategies.trades", trades)
    result = store.read_arrow(Query("strategies.trades"))

    assert result.schema == arrow_schema(catalog_table("strategies.trades"))
    assert result.column("quantity").to_pylist() == [Decimal("100"), Decimal("1E-12")]
    assert result.column("entry_price").to_pylist() == [
        Decimal("123.456789012345"),
        Decimal("99999999999999999999.5"),
    ]
    assert result.column("exit_price").to_pylist() == [Decimal("124.1"), None]
    assert result.column("exit_ts").to_pylist() == [None, None]


def test_upsert_accepts_an_arrow_table_of_date_keyed_rows(store: Store) -> None:
    actions = pa.table(
        {
            "symbol": ["AAPL", "AAPL"],
            "ex_date": [dt.date(2020, 8, 31), dt.date(2024, 2, 9)],
            "action": ["split", "dividend"],
            "split_from": [1.0, None],
            "split_to": [4.0, None],
            "cash_amount": [None, 0.24],
            "source": ["vendor", "vendor"],
        }
    )

    store.upsert("market_data.corporate_actions", actions)
    result = store.read_arrow(Query("market_data.corporate_actions"))

    assert result.schema == arrow_schema(catalog_table("market_data.corporate_actions"))
    assert result.select(actions.column_names).to_pylist() == actions.to_pylist()


def test_json_text_is_stored_as_json_not_as_a_quoted_string(store: Store) -> None:
    symbols = pd.DataFrame(
        {
            "symbol": ["QQQ"],
            "name": ["Invesco QQQ"],
            "asset_class": ["etf"],
            "themes": ['{"b": 1.50, "a": [1, 2]}'],
            "currency": ["USD"],
            "source": ["vendor"],
        }
    )

    store.upsert("market_data.symbols", symbols)
    result = store.read_arrow(Query("market_data.symbols", columns=["themes"]))

    assert result.column("themes").to_pylist() == ['{"a": [1, 2], "b": 1.5}']


def test_upsert_of_invalid_json_text_raises_invalid_batch(store: Store) -> None:
    symbols = pd.DataFrame(
        {
            "symbol": ["QQQ", "SPY"],
            "name": ["Invesco QQQ", "SPDR S&P 500"],
            "asset_class": ["etf", "etf"],
            "themes": ['["tech"]', "{not json"],
            "currency": ["USD", "USD"],
            "source": ["vendor", "vendor"],
        }
    )

    with pytest.raises(InvalidBatch) as raised:
        store.upsert("market_data.symbols", symbols)

    assert [p.row for p in raised.value.problems] == [1]
    assert store.count("market_data.symbols") == 0


# -- idempotence and revisions ---------------------------------------------------------------


def test_upsert_returns_number_of_rows_written(store: Store) -> None:
    written = store.upsert(OHLCV, bars_frame(("AAA", "BBB"), periods=3))

    assert written == 6


def test_upsert_same_batch_twice_leaves_row_count_and_content_unchanged(store: Store) -> None:
    bars = bars_frame(("AAA", "BBB"), periods=5)
    store.upsert(OHLCV, bars)
    once = read_all(store)

    store.upsert(OHLCV, bars)

    assert store.count(OHLCV) == 10
    pd.testing.assert_frame_equal(read_all(store), once)


def test_upsert_with_changed_values_overwrites_rows_of_the_same_key(store: Store) -> None:
    first = bars_frame(("AAA",), periods=5, seed=1)
    revised = bars_frame(("AAA",), start="2024-01-05", periods=4, seed=2)  # 2 overlap, 2 new
    store.upsert(OHLCV, first)

    store.upsert(OHLCV, revised)

    expected = pd.concat([first.iloc[:3], revised], ignore_index=True)
    assert store.count(OHLCV) == 7
    pd.testing.assert_frame_equal(read_all(store), as_read(expected))


def test_upsert_overwrites_nullable_values_with_null(store: Store) -> None:
    bars = bars_frame(periods=2)
    store.upsert(OHLCV, bars.assign(vwap=[1.0, 2.0]))

    store.upsert(OHLCV, bars)

    assert read_all(store)["vwap"].isna().all()


def test_upsert_of_empty_batch_writes_nothing_and_returns_zero(store: Store) -> None:
    written = store.upsert(OHLCV, bars_frame(periods=0))

    assert written == 0
    assert store.count(OHLCV) == 0


# -- validation ------------------------------------------------------------------------------


def bad_bars() -> pd.DataFrame:
    """Seven bars of which rows 1, 2, 3, 4 and 6 are invalid, each in its own way."""
    bars = bars_frame(("AAA",), periods=7)
    bars.loc[1, "high"] = bars.loc[1, "low"] / 2  # high < low
    bars.loc[2, "volume"] = -1.0
    bars.loc[3, "close"] = np.nan
    bars["symbol"] = bars["symbol"].astype(object)
    bars.loc[4, "symbol"] = None  # missing required value
    bars.loc[6, "ts"] = bars.loc[0, "ts"]  # duplicate key of row 0 within the batch
    return bars


def test_invalid_batch_lists_every_bad_row(store: Store) -> None:
    with pytest.raises(InvalidBatch) as raised:
        store.upsert(OHLCV, bad_bars())

    assert {p.row for p in raised.value.problems} == {1, 2, 3, 4, 6}
    assert raised.value.table == OHLCV


def test_invalid_batch_writes_nothing_not_even_its_good_rows(store: Store) -> None:
    stored = bars_frame(("AAA",), periods=7, seed=5)
    store.upsert(OHLCV, stored)
    before = read_all(store)

    with pytest.raises(InvalidBatch):
        store.upsert(OHLCV, bad_bars())

    assert store.count(OHLCV) == 7
    pd.testing.assert_frame_equal(read_all(store), before)


def test_upsert_with_unknown_column_raises_invalid_batch(store: Store) -> None:
    bars = bars_frame().assign(adjusted_close=1.0)

    with pytest.raises(InvalidBatch, match="adjusted_close"):
        store.upsert(OHLCV, bars)

    assert store.count(OHLCV) == 0


def test_upsert_without_a_required_column_raises_invalid_batch(store: Store) -> None:
    bars = bars_frame().drop(columns=["volume"])

    with pytest.raises(InvalidBatch, match="volume"):
        store.upsert(OHLCV, bars)


def test_upsert_of_naive_timestamps_raises_invalid_batch(store: Store) -> None:
    bars = bars_frame(periods=3)
    bars["ts"] = bars["ts"].dt.tz_localize(None)

    with pytest.raises(InvalidBatch, match="timezone"):
        store.upsert(OHLCV, bars)

    assert store.count(OHLCV) == 0


def test_upsert_to_unknown_table_raises_key_error(store: Store) -> None:
    with pytest.raises(KeyError, match=r"market_data\.ticks"):
        store.upsert("market_data.ticks", bars_frame())


# -- sample and live stores ------------------------------------------------------------------


def test_sample_rows_into_live_store_raise_source_mismatch_and_write_nothing(
    store: Store,
) -> None:
    bars = pd.concat([bars_frame(source="vendor"), bars_frame(("BBB",), source="sample")])

    with pytest.raises(SourceMismatch):
        store.upsert(OHLCV, bars)

    assert store.count(OHLCV) == 0


def test_vendor_rows_into_sample_store_raise_source_mismatch(store_maker: Any) -> None:
    sample = store_maker.open(StoreKind.SAMPLE)

    with pytest.raises(SourceMismatch):
        sample.upsert(OHLCV, bars_frame(source="vendor"))

    assert sample.count(OHLCV) == 0


def test_sample_store_takes_sample_rows(store_maker: Any) -> None:
    sample = store_maker.open(StoreKind.SAMPLE)

    sample.upsert(OHLCV, bars_frame(periods=3, source="sample"))

    assert sample.kind is StoreKind.SAMPLE
    assert sample.count(OHLCV) == 3


@pytest.mark.parametrize("kind", list(StoreKind))
def test_bookkeeping_rows_fit_either_store_kind(store_maker: Any, kind: StoreKind) -> None:
    opened = store_maker.open(kind)
    metrics = pd.DataFrame({"run_id": ["r1"], "metric": ["sharpe"], "value": [1.2]})

    opened.upsert("strategies.performance", metrics.assign(source="tetra"))

    assert opened.count("strategies.performance") == 1


def test_live_store_reopened_as_sample_is_refused(store_url: str) -> None:
    open_store(store_url, StoreKind.LIVE).close()

    with pytest.raises(StoreError, match="live"):
        open_store(store_url, StoreKind.SAMPLE)


# -- reads -----------------------------------------------------------------------------------


@pytest.fixture
def three_symbols(store: Store) -> Store:
    store.upsert(OHLCV, bars_frame(("AAA", "BBB", "CCC"), periods=5))
    return store


def test_read_with_in_list_returns_only_listed_values(three_symbols: Store) -> None:
    result = three_symbols.read(Query(OHLCV, where={"symbol": ["CCC", "AAA"]}))

    assert sorted(set(result["symbol"])) == ["AAA", "CCC"]
    assert len(result) == 10


def test_read_with_scalar_where_matches_by_equality(three_symbols: Store) -> None:
    result = three_symbols.read(Query(OHLCV, where={"symbol": "BBB", "interval": "1d"}))

    assert list(result["symbol"]) == ["BBB"] * 5


def test_read_with_empty_in_list_returns_no_rows(three_symbols: Store) -> None:
    result = three_symbols.read_arrow(Query(OHLCV, where={"symbol": []}))

    assert result.num_rows == 0
    assert result.schema == arrow_schema(catalog_table(OHLCV))


def test_read_range_includes_start_and_excludes_end(three_symbols: Store) -> None:
    query = Query(OHLCV, where={"symbol": "AAA"}, start=utc(2024, 1, 3), end=utc(2024, 1, 5))

    result = three_symbols.read(query)

    assert list(result["ts"]) == [
        pd.Timestamp("2024-01-03", tz="UTC"),
        pd.Timestamp("2024-01-04", tz="UTC"),
    ]


def test_read_date_bounds_on_timestamp_column_mean_midnight_utc(three_symbols: Store) -> None:
    query = Query(
        OHLCV, where={"symbol": "AAA"}, start=dt.date(2024, 1, 4), end=dt.date(2024, 1, 5)
    )

    result = three_symbols.read(query)

    assert list(result["ts"]) == [pd.Timestamp("2024-01-04", tz="UTC")]


def test_read_range_on_date_column(store: Store) -> None:
    days = [dt.date(2024, 1, d) for d in (2, 3, 4)]
    store.upsert(
        "events.earnings",
        pd.DataFrame({"symbol": "AAA", "report_date": days, "source": "vendor"}),
    )

    result = store.read_arrow(
        Query("events.earnings", start=dt.date(2024, 1, 3), end=dt.date(2024, 1, 4))
    )

    assert result.column("report_date").to_pylist() == [dt.date(2024, 1, 3)]


def test_read_columns_subset_gives_those_columns_in_catalog_types(three_symbols: Store) -> None:
    result = three_symbols.read_arrow(Query(OHLCV, columns=["close", "ts", "trades"]))

    full = arrow_schema(catalog_table(OHLCV))
    assert result.schema == pa.schema([full.field("close"), full.field("ts"), full.field("trades")])
    assert result.num_rows == 15


def test_read_of_one_nullable_column_keeps_the_rows_where_it_is_null(store_maker: Any) -> None:
    store = store_maker.open()
    store.upsert(OHLCV, bars_frame(periods=3).assign(vwap=[None, 1.0, None]))

    result = store.read_arrow(Query(OHLCV, columns=["vwap"]))

    assert result.column("vwap").to_pylist() == [None, 1.0, None]


def test_read_limit_gives_first_rows_in_key_order(three_symbols: Store) -> None:
    result = three_symbols.read(Query(OHLCV, limit=3))

    expected = as_read(bars_frame(("AAA", "BBB", "CCC"), periods=5)).iloc[:3]
    pd.testing.assert_frame_equal(result, expected)


def test_read_orders_rows_by_natural_key_whatever_the_write_order(store: Store) -> None:
    bars = pd.concat(
        [
            bars_frame(("b",), source="y"),
            bars_frame(("B",), source="x"),
            bars_frame(("A",), source="y"),
            bars_frame(("A",), source="x"),
            bars_frame(("A",), interval="1h", source="x"),
        ],
        ignore_index=True,
    )
    store.upsert(OHLCV, bars.sample(frac=1.0, random_state=7))

    result = read_all(store)

    keys = list(result[["symbol", "interval", "ts", "source"]].itertuples(index=False))
    assert keys == sorted(keys)
    assert list(dict.fromkeys(result["symbol"])) == ["A", "B", "b"]  # byte order


def test_read_of_empty_table_gives_its_catalog_schema(store: Store) -> None:
    tables = sorted(set(catalog()) - {"ops.store_info"})  # that one holds the kind claim

    results = {table: store.read_arrow(Query(table)) for table in tables}

    for table, result in results.items():
        assert result.num_rows == 0, table
        assert result.schema == arrow_schema(catalog_table(table)), table


def test_read_of_empty_table_gives_a_frame_with_the_catalog_columns(store: Store) -> None:
    frame = store.read(Query("strategies.trades", columns=["pnl", "run_id"]))

    assert frame.empty
    assert list(frame.columns) == ["pnl", "run_id"]


def test_store_records_its_kind_in_store_info(store_maker: Any) -> None:
    sample = store_maker.open(StoreKind.SAMPLE)

    info = sample.read(Query("ops.store_info", where={"key": "kind"}))

    assert info.to_dict("records") == [{"key": "kind", "value": "sample", "source": "tetra"}]


def test_read_of_unknown_column_raises_key_error(store: Store) -> None:
    with pytest.raises(KeyError, match="adjusted_close"):
        store.read(Query(OHLCV, columns=["adjusted_close"]))


def test_read_and_read_arrow_give_the_same_rows(three_symbols: Store) -> None:
    query = Query(OHLCV, where={"symbol": ["BBB"]})

    frame = three_symbols.read(query)
    table = three_symbols.read_arrow(query)

    pd.testing.assert_frame_equal(frame, table.to_pandas())


# -- count and coverage ----------------------------------------------------------------------


def test_count_is_the_number_of_stored_rows(store: Store) -> None:
    assert store.count(OHLCV) == 0

    store.upsert(OHLCV, bars_frame(("AAA", "BBB"), periods=4))

    assert store.count(OHLCV) == 8
    assert store.count("market_data.symbols") == 0


def test_coverage_gives_rows_and_first_last_per_symbol_and_source(store: Store) -> None:
    store.upsert(OHLCV, bars_frame(("BBB",), start="2024-02-01", periods=3, source="v1"))
    store.upsert(OHLCV, bars_frame(("AAA",), periods=5, source="v2"))
    store.upsert(OHLCV, bars_frame(("AAA",), start="2024-03-01", periods=2, source="v1"))

    coverage = store.coverage()

    assert coverage == [
        CoverageRow(OHLCV, "AAA", "v1", 2, utc(2024, 3, 1), utc(2024, 3, 4)),
        CoverageRow(OHLCV, "AAA", "v2", 5, utc(2024, 1, 2), utc(2024, 1, 8)),
        CoverageRow(OHLCV, "BBB", "v1", 3, utc(2024, 2, 1), utc(2024, 2, 5)),
    ]


def test_coverage_of_date_keyed_table_gives_dates(store: Store) -> None:
    days = [dt.date(2024, 1, 25), dt.date(2023, 10, 26)]
    store.upsert(
        "events.earnings",
        pd.DataFrame({"symbol": "AMZN", "report_date": days, "source": "vendor"}),
    )

    coverage = store.coverage("events.earnings")

    assert coverage == [
        CoverageRow("events.earnings", "AMZN", "vendor", 2, dt.date(2023, 10, 26), days[0])
    ]
    assert type(coverage[0].first) is dt.date


def test_coverage_of_empty_table_is_empty(store: Store) -> None:
    assert store.coverage() == []


def test_coverage_of_a_series_keyed_table_groups_by_series_id(store: Store) -> None:
    days = [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    store.upsert(
        "economic_data.indicators",
        pd.DataFrame(
            {
                "series_id": "CPIAUCSL",
                "date": days,
                "realtime_start": days[1],
                "value": [310.3, 311.1],
                "source": "fred",
            }
        ),
    )

    coverage = store.coverage("economic_data.indicators")

    assert coverage == [
        CoverageRow("economic_data.indicators", "CPIAUCSL", "fred", 2, days[0], days[1])
    ]


def test_coverage_of_a_table_without_time_raises_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.coverage("strategies.performance")


# -- differential: every store ends up with the same content ---------------------------------

_SERIES = st.tuples(
    st.sampled_from(["AAA", "BBB", "a"]), st.sampled_from(["v1", "v2"]), st.integers(0, 9)
)
_PRICE = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
_VALUES = st.tuples(
    _PRICE,
    _PRICE,
    st.floats(min_value=0.0, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.none() | _PRICE,
    st.none() | st.integers(0, 2**50),
)
_BATCHES = st.lists(st.dictionaries(_SERIES, _VALUES, max_size=8), min_size=1, max_size=4)


def _bars_of(batch: dict[tuple[str, str, int], tuple[Any, ...]]) -> pd.DataFrame:
    rows = [
        {
            "symbol": symbol,
            "interval": "1d",
            "ts": utc(2024, 1, 1) + dt.timedelta(days=day),
            "open": open_,
            "high": max(open_, close) * 2,
            "low": min(open_, close) * 0.5,
            "close": close,
            "volume": volume,
            "vwap": vwap,
            "trades": trades,
            "source": source,
        }
        for (symbol, source, day), (open_, close, volume, vwap, trades) in batch.items()
    ]
    return pd.DataFrame(rows, columns=OHLCV_COLUMNS).astype({"trades": "Int64"})


@pytest.fixture
def emptied_pg_url(reset_postgres: Callable[[], str]) -> str:
    """Give the test database migrated once; examples then empty only ``market_data.ohlcv``."""
    url = reset_postgres()
    open_store(url).close()
    return url


def _empty_ohlcv(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("TRUNCATE market_data.ohlcv")


@pytest.mark.postgres
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # emptied per example
)
@given(batches=_BATCHES)
def test_random_upserts_leave_every_store_with_identical_content(
    emptied_pg_url: str, batches: list[dict[tuple[str, str, int], Any]]
) -> None:
    _empty_ohlcv(emptied_pg_url)
    memory = InMemoryStore()
    memory.migrate()
    stores: list[Store] = [open_store(emptied_pg_url), open_store(":memory:"), memory]
    try:
        for batch in batches:
            for each in stores:
                each.upsert(OHLCV, _bars_of(batch))

        reads = [each.read_arrow(Query(OHLCV)) for each in stores]
    finally:
        for each in stores:
            each.close()

    expected_keys = {key for batch in batches for key in batch}
    assert reads[0].num_rows == len(expected_keys)
    assert reads[0].equals(reads[1])
    assert reads[0].equals(reads[2])


# -- delete ----------------------------------------------------------------------------------


def test_delete_removes_exactly_the_rows_read_would_return(three_symbols: Store) -> None:
    query = Query(OHLCV, where={"symbol": ["AAA", "CCC"]}, start=utc(2024, 1, 3))
    doomed = len(three_symbols.read(query))
    before = three_symbols.count(OHLCV)

    removed = three_symbols.delete(query)

    assert removed == doomed > 0
    assert three_symbols.count(OHLCV) == before - doomed
    assert three_symbols.read(query).empty
    assert len(three_symbols.read(Query(OHLCV, where={"symbol": "BBB"}))) == 5


def test_delete_twice_removes_nothing_the_second_time(three_symbols: Store) -> None:
    query = Query(OHLCV, where={"symbol": "BBB"})

    first = three_symbols.delete(query)
    second = three_symbols.delete(query)

    assert (first, second) == (5, 0)


@pytest.mark.parametrize(
    "query",
    [Query(OHLCV), Query(OHLCV, where={"symbol": "AAA"}, limit=1)],
    ids=["whole table", "with a limit"],
)
def test_delete_refuses_a_query_that_names_no_rows_and_removes_nothing(
    three_symbols: Store, query: Query
) -> None:
    with pytest.raises(ValueError, match="delete"):
        three_symbols.delete(query)

    assert three_symbols.count(OHLCV) == 15


def test_delete_by_an_unknown_column_raises_key_error(three_symbols: Store) -> None:
    with pytest.raises(KeyError):
        three_symbols.delete(Query(OHLCV, where={"no_such_column": 1}))
