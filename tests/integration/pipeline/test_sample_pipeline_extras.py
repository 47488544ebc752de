"""A sample pipeline run fills the macro and news tables too, labelled 'sample', idempotently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.cli.pipeline import build_plan
from tetra.cli.sources import sample_sources
from tetra.core.clock import FixedClock
from tetra.core.errors import SourceMismatch
from tetra.data.pipeline import Mode, Pipeline, RunResult, Step
from tetra.data.ports import Query
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import Universe, load_universe
from tetra.sample.history import SampleSpec
from tetra.sample.macro import SAMPLE_SERIES

SPEC = SampleSpec(years=2)
SYMBOLS = ("SPY", "QQQ", "NVDA", "AAPL", "BTC")
CLOCK = FixedClock(dt.datetime(2026, 1, 2, 6, 0, tzinfo=dt.UTC))
TABLES = (
    "economic_data.indicators",
    "economic_data.releases",
    "news.articles",
    "news.sentiment",
)


def run(store: SqlStore, steps: tuple[Step, ...] = tuple(Step)) -> RunResult:
    universe = load_universe()
    chosen = Universe(tuple(universe.get(symbol) for symbol in SYMBOLS))
    window = Window(dt.date(2023, 12, 31), SPEC.end)
    plan = build_plan(Mode.BACKFILL, window, chosen, steps, False, False, SAMPLE_SERIES)
    sources = sample_sources(list(chosen), SPEC)
    return Pipeline(store, sources, clock=CLOCK).run(plan)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    path = tmp_path_factory.mktemp("sample-extras") / "sample.duckdb"
    opened = open_store(path, StoreKind.SAMPLE)
    result = run(opened)
    assert result.status == "success", [(s.step, s.failures) for s in result.steps]
    yield opened
    opened.close()


@pytest.mark.parametrize("name", TABLES)
def test_a_sample_run_leaves_sample_rows_in_the_macro_and_news_tables(
    store: SqlStore, name: str
) -> None:
    rows = store.read(Query(name))

    assert len(rows) > 0
    assert set(rows["source"]) == {"sample"}


def test_the_stored_data_answers_the_chats_example_questions(store: SqlStore) -> None:
    ten_year = store.read(Query("economic_data.indicators", where={"series_id": "DGS10"}))
    cpi_2024 = store.read(
        Query(
            "economic_data.indicators",
            where={"series_id": "CPIAUCSL"},
            start=dt.date(2024, 1, 1),
            end=dt.date(2025, 1, 1),
        )
    )
    nvda = store.read(
        Query(
            "news.sentiment",
            where={"symbol": "NVDA", "method": "vader"},
            start=dt.datetime(2025, 12, 1, tzinfo=dt.UTC),
            end=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    )

    assert ten_year["date"].max() == dt.date(2025, 12, 30)
    assert len(cpi_2024) == 12
    assert len(nvda) >= 3


def test_every_article_is_scored_for_its_symbol_and_as_a_whole(store: SqlStore) -> None:
    articles = store.count("news.articles")
    sentiment = store.read(Query("news.sentiment", columns=["article_id", "symbol", "method"]))

    assert sentiment["article_id"].nunique() == articles
    assert len(sentiment) == articles * 2 * 2  # two methods; the symbol and '*'


def test_a_rerun_changes_no_row_count(store: SqlStore) -> None:
    before = {name: store.count(name) for name in TABLES}

    again = run(store)

    assert again.status == "success"
    assert {name: store.count(name) for name in TABLES} == before


@pytest.mark.parametrize("step", [Step.ECONOMIC_DATA, Step.NEWS_SENTIMENT, Step.EVENT_DATA])
def test_a_live_store_refuses_the_sample_macro_and_news(tmp_path: Path, step: Step) -> None:
    live = open_store(tmp_path / "live.duckdb", StoreKind.LIVE)
    try:
        with pytest.raises(SourceMismatch):
            run(live, (step,))
    finally:
        live.close()
