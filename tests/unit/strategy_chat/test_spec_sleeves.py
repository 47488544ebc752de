"""A rule spec approved into a paper book is compiled and traded by the daily cycle."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tetra.backtest.run import run_backtest
from tetra.core.clock import FixedClock
from tetra.core.errors import ValidationError
from tetra.cycle import CycleContext, replay, run_cycle
from tetra.cycle.sleeves import COSTS, check_book, with_flat_bar
from tetra.market import load_market
from tetra.portfolio import BookMode, StoredBooks
from tetra.simulation.orders import TradingRules
from tetra.strategy.library import STRATEGIES
from tetra.strategy.spec import SpecInputs, StrategySpec, compile_spec
from tetra.strategy.spec.rules import RuleBased
from tetra.strategy.spec.sleeve import SPEC_STRATEGY
from tetra.strategy_chat.approvals import ApprovalRequest, Approvals
from tetra.strategy_chat.proposers import OfflineProposer, ProposerRouter
from tetra.strategy_chat.service import StoreMarketSource, StrategyChat, Version
from tetra.testing import InMemoryStore

IDEA = "buy SPY when RSI(14) is below 30, sell above 70"
DAYS = pd.bdate_range("2021-01-04", periods=500)
CLOCK = FixedClock(dt.datetime(2023, 1, 2, 22, tzinfo=dt.UTC))


class _NoStress(StoreMarketSource):
    def stress(self, spec: StrategySpec, inputs: SpecInputs) -> tuple[list[dict[str, Any]], str]:
        return [], "not in these tests"


def _bars(symbol: str, seed: int) -> pd.DataFrame:
    returns = np.random.default_rng(seed).normal(0.0002, 0.015, len(DAYS))
    closes = 100 * np.exp(np.cumsum(returns))
    opens = np.concatenate([[closes[0]], closes[:-1]])
    return pd.DataFrame(
        {
            "symbol": symbol,
            "interval": "1d",
            "ts": DAYS.tz_localize("UTC"),
            "open": opens,
            "high": np.maximum(opens, closes) * 1.002,
            "low": np.minimum(opens, closes) * 0.998,
            "close": closes,
            "volume": 1_000_000.0,
            "source": "test",
        }
    )


@pytest.fixture
def store() -> InMemoryStore:
    memory = InMemoryStore()
    memory.migrate()
    memory.upsert("market_data.ohlcv", pd.concat([_bars("SPY", 3), _bars("QQQ", 4)]))
    return memory


def _approved(store: InMemoryStore, policies: Path) -> tuple[Version, StoredBooks]:
    chat = StrategyChat(ProposerRouter(OfflineProposer()), _NoStress(store), policies)
    _, version = chat.turn(IDEA)
    chat.close()
    books = StoredBooks(store)
    request = ApprovalRequest(
        "Ada Lovelace", "add_to_book", version.spec_hash, version.results_digest, "ideas"
    )
    Approvals(store, books, CLOCK).approve(version, request)
    return version, books


def _direct(spec: StrategySpec, store: InMemoryStore, day: dt.date, anchor: dt.date) -> Any:
    """The spec's own backtest on its symbols up to `day`, with the cycle's flat bar."""
    market = with_flat_bar(load_market(store, list(spec.referenced_symbols()), anchor, day))
    rules = TradingRules(fractional=False)
    return run_backtest(
        compile_spec(spec), market, cash=100_000.0, costs=COSTS, rules=rules, guards=False
    )


def test_an_approved_rule_spec_is_compiled_and_recommends_the_backtests_decision(
    store: InMemoryStore, tmp_path: Path
) -> None:
    version, books = _approved(store, tmp_path)
    stored = books.book("ideas")
    assert stored is not None
    assert stored.book.mode is BookMode.PAPER
    (allocation,) = stored.book.strategies
    assert allocation.strategy == SPEC_STRATEGY
    anchor = DAYS[0].date()
    # the last session on which the rule bought: a new book must recommend that buy
    held = _direct(version.spec, store, DAYS[-1].date(), anchor).output.positions[:, 0]
    entries = np.flatnonzero((held[:-1] == 0) & (held[1:] > 0))
    assert len(entries) > 1  # the sample makes the rule trade
    session = DAYS[int(entries[-1])].date()

    ctx = CycleContext(store, books, STRATEGIES, CLOCK, warmup_days=(session - anchor).days)
    cycle = run_cycle(ctx, "ideas", session)

    (sleeve,) = cycle.sleeves
    assert isinstance(sleeve.strategy, RuleBased)
    direct = _direct(version.spec, store, session, anchor)
    np.testing.assert_array_equal(sleeve.result.output.positions, direct.output.positions)
    target = direct.output.positions[-1][0]
    assert target > 0 == direct.output.positions[-2][0]  # the rule bought at the session
    (recommendation,) = cycle.recommendations
    assert recommendation.symbol == "SPY"
    assert float(recommendation.target) == pytest.approx(np.trunc(target))
    assert recommendation.reasoning[0]["strategy"] == allocation.label


def test_a_spec_sleeve_trades_only_its_symbols_in_a_wider_book(
    store: InMemoryStore, tmp_path: Path
) -> None:
    version, books = _approved(store, tmp_path)
    stored = books.book("ideas")
    assert stored is not None
    wider = dataclasses.replace(stored.book, symbols=("QQQ", "SPY"))
    books.save_book(wider, at=CLOCK.now())
    session = DAYS[-1].date()
    anchor = DAYS[0].date()
    ctx = CycleContext(store, books, STRATEGIES, CLOCK, warmup_days=(session - anchor).days)

    (sleeve,) = run_cycle(ctx, "ideas", session).sleeves

    positions = sleeve.result.output.positions
    assert list(sleeve.result.market.symbols) == ["QQQ", "SPY"]
    assert not positions[:, 0].any()  # QQQ: not a symbol of the spec
    direct = _direct(version.spec, store, session, anchor)
    np.testing.assert_array_equal(positions[:, 1], direct.output.positions[:, 0])


def test_a_replay_runs_the_spec_sleeve_day_by_day(store: InMemoryStore, tmp_path: Path) -> None:
    version, books = _approved(store, tmp_path)
    start, end = DAYS[-3].date(), DAYS[-1].date()
    ctx = CycleContext(store, books, STRATEGIES, CLOCK, warmup_days=(start - DAYS[0].date()).days)

    days = list(replay(ctx, "ideas", start, end))

    assert [d.session for d in days] == [d.date() for d in DAYS[-3:]]
    direct = _direct(version.spec, store, end, DAYS[0].date())
    np.testing.assert_array_equal(days[-1].sleeves[0].targets, direct.output.positions[-1])


def test_a_bad_spec_in_a_book_is_refused_naming_the_field(
    store: InMemoryStore, tmp_path: Path
) -> None:
    _, books = _approved(store, tmp_path)
    stored = books.book("ideas")
    assert stored is not None
    (allocation,) = stored.book.strategies
    spec = dict(allocation.params["spec"])
    bad = {**allocation.params, "spec": {**spec, "weight": 7}}
    edited = {**allocation.params, "spec": {**spec, "symbols": ["SPY", "QQQ"]}}
    for params, field in ((bad, "params.spec.weight"), (edited, "params.spec_hash")):
        book = dataclasses.replace(
            stored.book, strategies=(dataclasses.replace(allocation, params=params),)
        )
        with pytest.raises(ValidationError, match=field):
            check_book(book, STRATEGIES, {"SPY", "QQQ"})
