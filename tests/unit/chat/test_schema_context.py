"""Specification of the schema context: what a model is told about a live store.

Read from a real DuckDB store (migrated, a few rows written through the store API) through the
chat's own `DuckDBReadOnly` executor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.duckdb_readonly import DuckDBReadOnly
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.chat.context import (
    ColumnInfo,
    SchemaContext,
    TableInfo,
    VocabularyCache,
    load_schema_context,
    load_vocabulary,
)
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.suggestions import suggested_questions
from tetra.data.migrations import catalog
from tetra.testing import bars_frame

POLICY = TablePolicy.classify(catalog())
SECRET_KIND = "secret_alpha"  # a private value: the kind of a strategy the user defined
SECRET_BROKER = "secret_broker_llc"


def _symbols() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["AAA", "BBB", "CCC"],
            "name": ["A Corp", "B Corp", "C Corp"],
            "asset_class": ["equity", "equity", "etf"],
            "universe_group": ["largest_stocks", "investor's picks", "largest_etfs"],
            "currency": "USD",
            "source": "test",
        }
    )


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": ["UNRATE", "UNRATE", "DGS10"],
            "date": [dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 5, 1)],
            "realtime_start": [dt.date(2024, 5, 3), dt.date(2024, 6, 7), dt.date(2024, 5, 2)],
            "value": [3.9, 4.0, 4.5],
            "source": "fred",
        }
    )


def _releases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": ["UNRATE"],
            "released": [dt.date(2024, 6, 7)],
            "title": ["Unemployment Rate"],
            "frequency": ["Monthly"],
            "source": "fred",
        }
    )


def _definitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy_id": ["s1"],
            "name": ["my pair"],
            "kind": [SECRET_KIND],
            "config": [{"legs": ["AAA", "BBB"]}],
            "created_at": [pd.Timestamp("2024-01-01", tz="UTC")],
            "source": "test",
        }
    )


def _orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["o1"],
            "client_order_id": ["c1"],
            "broker": [SECRET_BROKER],
            "account": ["acct-1"],
            "symbol": ["AAA"],
            "side": ["buy"],
            "order_type": ["market"],
            "quantity": [5.0],
            "time_in_force": ["day"],
            "status": ["filled"],
            "ts_submitted": [pd.Timestamp("2024-01-05 15:00", tz="UTC")],
            "ts_updated": [pd.Timestamp("2024-01-05 15:00", tz="UTC")],
            "source": "test",
        }
    )


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated DuckDB store with rows in a few public and private tables, then closed."""
    path: Path = tmp_path_factory.mktemp("schema_context") / "store.duckdb"
    store = open_store(str(path))
    try:
        # AAA gets more bars than BBB, so example values come most frequent first.
        store.upsert("market_data.ohlcv", bars_frame(("AAA",), "2024-01-02", 5))
        store.upsert("market_data.ohlcv", bars_frame(("BBB",), "2024-01-03", 3, seed=1))
        store.upsert("market_data.symbols", _symbols())
        store.upsert("economic_data.indicators", _indicators())
        store.upsert("economic_data.releases", _releases())
        store.upsert("strategies.definitions", _definitions())
        store.upsert("execution.orders", _orders())
    finally:
        store.close()
    return str(path)


@pytest.fixture(scope="module")
def executor(store_path: str) -> Iterator[DuckDBReadOnly]:
    executor = DuckDBReadOnly(store_path)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def context(executor: DuckDBReadOnly) -> SchemaContext:
    return load_schema_context(executor, "duckdb", POLICY)


def column_examples(context: SchemaContext, table: str, column: str) -> tuple[str, ...]:
    return next(c.examples for c in context.table(table).columns if c.name == column)


def test_context_lists_exactly_the_readable_tables(context: SchemaContext) -> None:
    assert context.table_names == POLICY.readable
    assert "ops.watermarks" not in context.table_names
    assert "ops.store_info" not in context.table_names


def test_context_lists_only_the_tables_a_narrower_policy_allows(executor: DuckDBReadOnly) -> None:
    policy = TablePolicy.classify(["market_data.ohlcv", "strategies.runs", "ops.watermarks"])

    context = load_schema_context(executor, "duckdb", policy)

    assert context.table_names == {"market_data.ohlcv", "strategies.runs"}


def test_context_keeps_the_dialect(context: SchemaContext) -> None:
    assert context.dialect == "duckdb"


def test_context_marks_each_table_with_its_privacy(context: SchemaContext) -> None:
    privacy = {t.name: t.privacy for t in context.tables}

    assert privacy["market_data.ohlcv"] is Privacy.PUBLIC
    assert privacy["ops.coverage"] is Privacy.PUBLIC
    assert privacy["strategies.definitions"] is Privacy.PRIVATE
    assert privacy["execution.orders"] is Privacy.PRIVATE


def test_context_lists_columns_in_table_order_with_their_types(context: SchemaContext) -> None:
    columns = context.table("market_data.ohlcv").columns

    assert [c.name for c in columns] == list(catalog()["market_data.ohlcv"].column_names)
    assert {c.name: c.type for c in columns}["close"] == "DOUBLE"


def test_glossary_description_is_preferred_over_the_catalog(context: SchemaContext) -> None:
    description = context.table("market_data.ohlcv").description

    assert description.startswith("Daily (interval '1d') OHLCV bars per symbol")


def test_catalog_description_is_used_where_the_glossary_has_none(context: SchemaContext) -> None:
    description = context.table("market_data.symbols").description

    assert description == catalog()["market_data.symbols"].description


def test_columns_carry_glossary_notes_else_catalog_descriptions(context: SchemaContext) -> None:
    ohlcv = {c.name: c.description for c in context.table("market_data.ohlcv").columns}
    symbols = {c.name: c.description for c in context.table("market_data.symbols").columns}

    assert ohlcv["ts"].startswith("Session of the bar")
    assert (
        symbols["asset_class"] == catalog()["market_data.symbols"].column("asset_class").description
    )
    assert symbols["asset_class"] != ""
    assert symbols["themes"].startswith("JSON array of theme tags")


def test_glossary_example_columns_list_values_most_frequent_first(context: SchemaContext) -> None:
    assert column_examples(context, "market_data.ohlcv", "symbol") == ("AAA", "BBB")
    assert column_examples(context, "market_data.ohlcv", "interval") == ("1d",)
    assert column_examples(context, "economic_data.indicators", "series_id") == (
        "UNRATE",
        "DGS10",
    )


def test_columns_not_listed_for_examples_carry_none(context: SchemaContext) -> None:
    assert column_examples(context, "market_data.ohlcv", "close") == ()
    assert column_examples(context, "market_data.symbols", "name") == ()


def test_example_values_are_raw_and_escaped_only_in_the_rendered_ddl(
    context: SchemaContext,
) -> None:
    groups = column_examples(context, "market_data.symbols", "universe_group")

    assert "investor's picks" in groups
    assert "'investor''s picks'" in context.table("market_data.symbols").render()


def test_a_table_with_rows_is_not_empty_and_has_the_span_of_its_time_column(
    context: SchemaContext,
) -> None:
    ohlcv = context.table("market_data.ohlcv")

    assert ohlcv.empty is False
    assert ohlcv.span == ("2024-01-02", "2024-01-08")
    assert "rows from 2024-01-02 to 2024-01-08" in ohlcv.render()


def test_an_empty_table_is_flagged_without_span_or_examples(context: SchemaContext) -> None:
    dividends = context.table("events.dividends")

    assert dividends.empty is True
    assert dividends.span is None
    assert all(c.examples == () for c in dividends.columns)
    assert "EMPTY: no rows yet" in dividends.render()


def test_a_table_without_a_time_column_has_no_span(context: SchemaContext) -> None:
    symbols = context.table("market_data.symbols")

    assert symbols.empty is False
    assert symbols.span is None


def test_render_writes_each_table_as_commented_ddl(context: SchemaContext) -> None:
    rendered = context.table("market_data.ohlcv").render()

    assert rendered.startswith("CREATE TABLE market_data.ohlcv ( -- public; Daily (interval")
    assert "  symbol VARCHAR, -- " in rendered
    assert "Values: 'AAA', 'BBB'" in rendered
    assert rendered.endswith(");")


def test_full_render_shows_private_tables_and_their_values(context: SchemaContext) -> None:
    rendered = context.render()

    assert "CREATE TABLE strategies.definitions" in rendered
    assert SECRET_KIND in rendered
    assert SECRET_BROKER in rendered


def test_public_only_keeps_exactly_the_public_tables(context: SchemaContext) -> None:
    public = context.public_only()

    assert public.table_names == POLICY.public
    assert all(t.privacy is Privacy.PUBLIC for t in public.tables)
    assert public.dialect == context.dialect


def test_public_render_holds_no_private_table_column_or_value(context: SchemaContext) -> None:
    rendered = context.public_only().render()

    assert SECRET_KIND not in rendered
    assert SECRET_BROKER not in rendered
    for private in POLICY.private:
        assert f"CREATE TABLE {private} " not in rendered


def test_public_only_leaves_the_full_context_unchanged(context: SchemaContext) -> None:
    context.public_only()

    assert context.table_names == POLICY.readable


def test_vocabulary_maps_symbols_to_their_names(executor: DuckDBReadOnly) -> None:
    vocabulary = load_vocabulary(executor, POLICY)

    assert dict(vocabulary.symbols) == {"AAA": "A Corp", "BBB": "B Corp", "CCC": "C Corp"}


def test_vocabulary_titles_series_from_releases_else_by_their_id(
    executor: DuckDBReadOnly,
) -> None:
    vocabulary = load_vocabulary(executor, POLICY)

    assert dict(vocabulary.series) == {"UNRATE": "Unemployment Rate", "DGS10": "DGS10"}


def test_vocabulary_skips_tables_the_policy_does_not_make_readable(
    executor: DuckDBReadOnly,
) -> None:
    policy = TablePolicy.classify(["economic_data.indicators"])

    vocabulary = load_vocabulary(executor, policy)

    assert dict(vocabulary.symbols) == {}
    assert dict(vocabulary.series) == {"UNRATE": "UNRATE", "DGS10": "DGS10"}


def test_suggested_questions_name_only_symbols_a_user_would_type() -> None:
    sentiment = TableInfo(
        "news.sentiment",
        "",
        Privacy.PUBLIC,
        (ColumnInfo("symbol", "VARCHAR", examples=("*", "NVDA")),),
    )

    questions = suggested_questions(SchemaContext("duckdb", (sentiment,)))

    assert questions == ["News sentiment for NVDA over the last 30 days"]


def test_vocabulary_cache_picks_up_a_new_symbol_once_its_time_is_up(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "vocabulary.duckdb")
    store.migrate()
    store.upsert("market_data.symbols", _symbol_rows(["AAA"]))
    now = [0.0]
    cache = VocabularyCache(
        DuckDBReadOnly.over(store.chat_connection()),
        TablePolicy.classify(catalog()),
        ttl_seconds=60.0,
        monotonic=lambda: now[0],
    )
    try:
        before = set(cache().symbols)
        store.upsert("market_data.symbols", _symbol_rows(["AAA", "NEWCO"]))
        now[0] = 30.0
        within = set(cache().symbols)
        now[0] = 61.0
        after = set(cache().symbols)
    finally:
        store.close()

    assert (before, within, after) == ({"AAA"}, {"AAA"}, {"AAA", "NEWCO"})


def _symbol_rows(symbols: list[str]) -> pd.DataFrame:
    count = len(symbols)
    return pd.DataFrame(
        {
            "symbol": symbols,
            "name": [f"{s} Inc" for s in symbols],
            "asset_class": ["equity"] * count,
            "currency": ["USD"] * count,
            "source": ["test"] * count,
        }
    )
