"""Stored runs: a round trip through a real DuckDB store, and the float-to-Decimal gap bound."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.backtest.research.persist import (
    backtest_record,
    load_run,
    save_run,
    strategy_id,
    to_decimal,
)
from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.market import MarketData
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Commission, Costs, TradingRules
from tetra.strategy.library.crossover import MovingAverageCrossover

CASH = 100_000.0
STARTED = dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.UTC)
FINISHED = STARTED + dt.timedelta(seconds=3)
MONEY = ("quantity", "entry_price", "exit_price", "pnl", "fees")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(tmp_path / "live.duckdb")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def backtest(market: MarketData) -> tuple[MovingAverageCrossover, BacktestResult]:
    strategy = MovingAverageCrossover(fast=3, slow=10, cash=CASH)
    costs = Costs(commission=Commission(basis_points=7.0))
    # fractional shares give long, irregular decimals: the hard case for the gap bound
    rules = TradingRules(fractional=True)
    return strategy, run_backtest(strategy, market, cash=CASH, costs=costs, rules=rules)


def test_a_saved_backtest_reads_back_whole(
    store: SqlStore, backtest: tuple[MovingAverageCrossover, BacktestResult]
) -> None:
    strategy, result = backtest
    record = backtest_record(
        result, strategy, started_at=STARTED, finished_at=FINISHED, params={"symbols": ["AAA"]}
    )

    run_id = save_run(store, record)
    stored = load_run(store, run_id)

    assert stored.run["mode"] == "backtest"
    assert stored.run["status"] == "finished"
    assert stored.run["source"] == "tetra"
    assert stored.run["period_start"] == result.equity.index[0].date()
    assert stored.run["period_end"] == result.equity.index[-1].date()
    assert stored.definition["kind"] == "sma_crossover"
    assert stored.definition["strategy_id"] == strategy_id("sma_crossover", record.config)
    np.testing.assert_array_equal(stored.equity.to_numpy(), result.equity.to_numpy())
    assert stored.equity.index.equals(result.equity.index)
    assert list(stored.trades["symbol"]) == list(result.trades["symbol"])
    expected = result.metrics().as_dict()
    assert stored.metrics.keys() == expected.keys()
    for name, value in expected.items():
        assert stored.metrics[name] == value or (
            math.isnan(value) and math.isnan(stored.metrics[name])
        )


def test_stored_decimals_stay_within_1e_9_relative_of_the_engine_floats(
    store: SqlStore, backtest: tuple[MovingAverageCrossover, BacktestResult]
) -> None:
    strategy, result = backtest
    run_id = save_run(
        store, backtest_record(result, strategy, started_at=STARTED, finished_at=FINISHED)
    )

    stored = load_run(store, run_id).trades

    assert len(stored) == len(result.trades) > 0
    for name in MONEY:
        for engine, kept in zip(result.trades[name], stored[name], strict=True):
            if math.isnan(engine):
                assert kept is None or (isinstance(kept, float) and math.isnan(kept))
                continue
            assert isinstance(kept, Decimal)
            gap = abs(float(kept) - engine)
            assert gap <= 1e-9 * max(abs(engine), 1.0), (name, engine, kept)


def test_saving_the_same_run_twice_changes_nothing(
    store: SqlStore, backtest: tuple[MovingAverageCrossover, BacktestResult]
) -> None:
    strategy, result = backtest
    record = backtest_record(result, strategy, started_at=STARTED, finished_at=FINISHED)

    first = save_run(store, record)
    counts = {
        t: store.count(t) for t in ("strategies.runs", "strategies.signals", "strategies.trades")
    }
    second = save_run(store, record)

    assert first == second
    assert counts == {t: store.count(t) for t in counts}
    assert store.count("strategies.definitions") == 1


def test_strategy_id_ignores_key_order_and_tells_configs_apart() -> None:
    assert strategy_id("s", {"a": 1, "b": 2}) == strategy_id("s", {"b": 2, "a": 1})
    assert strategy_id("s", {"a": 1}) != strategy_id("s", {"a": 2})
    assert strategy_id("s", {"a": 1}) != strategy_id("t", {"a": 1})


def test_to_decimal_keeps_twelve_places_and_maps_nan_to_none() -> None:
    assert to_decimal(0.1) == Decimal("0.100000000000")
    assert to_decimal(1e-5) == Decimal("0.00001")
    assert to_decimal(float("nan")) is None
    assert to_decimal(None) is None


def test_loading_an_unknown_run_is_a_key_error(store: SqlStore) -> None:
    with pytest.raises(KeyError, match="no run"):
        load_run(store, "missing")


def test_a_run_without_trades_is_stored_with_its_equity(
    store: SqlStore, market: MarketData
) -> None:
    strategy = MovingAverageCrossover(fast=3, slow=10, cash=CASH)
    result = run_backtest(strategy, market.window(0, 8), cash=CASH)  # too short to cross

    run_id = save_run(
        store, backtest_record(result, strategy, started_at=STARTED, finished_at=FINISHED)
    )
    stored = load_run(store, run_id)

    assert stored.trades.empty
    assert list(stored.equity) == [CASH] * 8


def test_stored_trades_keep_why_they_closed(store: SqlStore, market: MarketData) -> None:
    strategy = MovingAverageCrossover(fast=3, slow=10, cash=CASH)
    result = run_backtest(strategy, market, cash=CASH, exits=Exits(stop_loss=0.01))
    record = backtest_record(result, strategy, started_at=STARTED, finished_at=FINISHED)

    stored = load_run(store, save_run(store, record)).trades

    reasons = [r if isinstance(r, str) else "" for r in stored["exit_reason"]]
    assert reasons == list(result.trades["exit_reason"])  # open trades store NULL
    assert stored["exit_reason"].isna().sum() == (result.trades["exit_reason"] == "").sum()
    assert "stop_loss" in reasons
