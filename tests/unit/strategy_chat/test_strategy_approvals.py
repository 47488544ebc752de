"""Approving a spec into a paper book carries its risk policy and sizing to the daily cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tetra.backtest.run import run_backtest
from tetra.core.clock import FixedClock
from tetra.cycle import CycleContext, run_cycle
from tetra.cycle.risk_gate import book_policy
from tetra.cycle.sleeves import COSTS, build_strategy
from tetra.portfolio import Book, BookMode, StoredBooks, StrategyAllocation
from tetra.risk.sizing_policy import parse_sizing
from tetra.simulation.orders import TradingRules
from tetra.strategy.library import STRATEGIES
from tetra.strategy.spec import SpecInputs, StrategySpec
from tetra.strategy.spec.compile import sizing_policy
from tetra.strategy_chat.approvals import ApprovalRefused, ApprovalRequest, Approvals
from tetra.strategy_chat.proposers import OfflineProposer, ProposerRouter
from tetra.strategy_chat.service import StoreMarketSource, StrategyChat, Version
from tetra.testing import InMemoryStore

IDEA = "golden cross on SPY, under the tight risk policy, sized with a 2% volatility target"
DAYS = pd.bdate_range("2021-01-04", periods=700)
CLOCK = FixedClock(dt.datetime(2024, 1, 2, 22, tzinfo=dt.UTC))


class _NoStress(StoreMarketSource):
    def stress(self, spec: StrategySpec, inputs: SpecInputs) -> tuple[list[dict[str, Any]], str]:
        return [], "not in these tests"


@pytest.fixture
def store() -> InMemoryStore:
    closes = 100 * np.exp(np.cumsum(np.random.default_rng(7).normal(0.0004, 0.012, len(DAYS))))
    opens = np.concatenate([[closes[0]], closes[:-1]])
    bars = pd.DataFrame(
        {
            "symbol": "SPY",
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
    memory = InMemoryStore()
    memory.migrate()
    memory.upsert("market_data.ohlcv", bars)
    return memory


def _version(store: InMemoryStore, policies: Path, idea: str = IDEA) -> Version:
    (policies / "tight.toml").write_text("max_position_weight = 0.05\npersistence = 1\n")
    chat = StrategyChat(ProposerRouter(OfflineProposer()), _NoStress(store), policies)
    _, version = chat.turn(idea)
    chat.close()
    return version


def _add(version: Version, book: str = "ideas") -> ApprovalRequest:
    return ApprovalRequest(
        "Ada Lovelace", "add_to_book", version.spec_hash, version.results_digest, book
    )


def test_an_approved_spec_is_traded_by_the_cycle_under_its_policy_and_sizing(
    store: InMemoryStore, tmp_path: Path
) -> None:
    version = _version(store, tmp_path)
    books = StoredBooks(store)

    approval = Approvals(store, books, CLOCK).approve(version, _add(version))
    ctx = CycleContext(store, books, STRATEGIES, CLOCK, warmup_days=1_000)  # all the bars
    cycle = run_cycle(ctx, "ideas", DAYS[-1].date())

    stored = books.book("ideas")
    assert stored is not None
    assert stored.version == approval.book_version
    assert stored.book.risk_policy_table == {"max_position_weight": 0.05, "persistence": 1}
    assert parse_sizing(stored.book.sizing) == sizing_policy(version.spec)
    assert version.policy is not None
    policy = book_policy(stored.book)
    assert policy is not None
    assert policy.max_position_weight == 0.05
    (sleeve,) = cycle.sleeves
    assert "sized by volatility_target" in sleeve.result.name
    strategy = build_strategy(sleeve.allocation, STRATEGIES, 100_000.0)
    account: dict[str, Any] = {"cash": 100_000.0, "costs": COSTS, "guards": False}
    account["rules"] = TradingRules(fractional=False)
    market = sleeve.result.market
    sized = run_backtest(strategy, market, sizing=sizing_policy(version.spec), **account)
    plain = run_backtest(strategy, market, **account)
    np.testing.assert_array_equal(sleeve.result.output.positions, sized.output.positions)
    assert not np.array_equal(sleeve.result.output.positions, plain.output.positions)


def test_the_default_policy_is_named_and_a_plain_spec_leaves_the_book_plain(
    store: InMemoryStore, tmp_path: Path
) -> None:
    default = _version(store, tmp_path, "golden cross on SPY, with the default risk limits")
    plain = _version(store, tmp_path, "golden cross on SPY")
    books = StoredBooks(store)

    Approvals(store, books, CLOCK).approve(default, _add(default, "named"))
    Approvals(store, books, CLOCK).approve(plain, _add(plain, "plain"))

    named, bare = books.book("named"), books.book("plain")
    assert named is not None
    assert bare is not None
    assert (named.book.risk_policy, dict(named.book.risk_policy_table)) == ("default", {})
    assert named.book.sizing == {}
    assert (bare.book.risk_policy, bare.book.risk_policy_table, bare.book.sizing) == (None, {}, {})


def test_a_book_running_other_strategies_under_other_settings_is_refused(
    store: InMemoryStore, tmp_path: Path
) -> None:
    version = _version(store, tmp_path)
    books = StoredBooks(store)
    hold = StrategyAllocation("buy_and_hold", Decimal("0.3"), {}, "hold")
    books.save_book(
        Book("mixed", Decimal(100_000), (hold,), ("SPY",), mode=BookMode.PAPER), at=CLOCK.now()
    )

    with pytest.raises(ApprovalRefused, match="no risk policy, no sizing; the spec was backtested"):
        Approvals(store, books, CLOCK).approve(version, _add(version, "mixed"))

    stored = books.book("mixed")
    assert stored is not None
    assert stored.version == 1
