"""`RiskManaged`: a library strategy under a policy, on both paths, with its journal."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from tetra.backtest.managed import INTERVENTION_COLUMNS, RiskManaged
from tetra.backtest.run import run_backtest
from tetra.market import MarketData
from tetra.risk import RiskPolicy
from tetra.risk.policy import default_policy
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.testing import bars_frame

CASH = 100_000.0


@pytest.fixture(scope="module")
def market() -> MarketData:
    return MarketData.from_frames(bars_frame(("SPY", "QQQ", "BTC"), periods=300, seed=3))


def test_managed_runs_decide_alike_and_fill_alike_on_both_paths(market: MarketData) -> None:
    policy = RiskPolicy(max_position_weight=0.2, group_caps={"crypto": 0.1})
    strategy = RiskManaged(MovingAverageCrossover(fast=5, slow=20), policy)

    compiled = run_backtest(strategy, market, cash=CASH, path="compiled")
    per_bar = run_backtest(strategy, market, cash=CASH, path="callback")

    np.testing.assert_array_equal(compiled.output.fills, per_bar.output.fills)
    assert compiled.interventions.equals(per_bar.interventions)
    assert not [w for w in compiled.warnings if "look-ahead" in w or "rerun" in w]


def test_caps_resize_orders_and_say_which_cap(market: MarketData) -> None:
    policy = RiskPolicy(max_position_weight=0.2, group_caps={"crypto": 0.1})

    result = run_backtest(MovingAverageCrossover(fast=5, slow=20), market, cash=CASH,
                          risk_policy=policy)  # fmt: skip

    frame = result.interventions
    assert tuple(frame.columns) == INTERVENTION_COLUMNS
    resized = frame[frame["action"] == "resized"]
    assert set(resized["code"]) <= {"position_weight", "group_exposure"}
    assert "group_exposure" in set(resized["code"])
    assert resized["reason"].str.contains("resized to").all()
    weights = np.abs(result.positions * result.market.close).div(result.equity, axis=0)
    assert float(weights["BTC"].max()) < 0.2  # the crypto cap held (up to a day's drift)


def test_a_copy_wraps_its_own_copy_of_the_strategy_so_guard_threads_share_no_state() -> None:
    inner = MovingAverageCrossover(fast=5, slow=20)
    policy = RiskPolicy.model_validate({"sizing": {"method": "equal_weight"}})
    managed = RiskManaged(inner, policy)

    twin = copy.copy(managed)

    assert twin.strategy is not managed.strategy  # the Sized wrapper
    assert twin.strategy.strategy is not inner  # type: ignore[attr-defined]
    assert twin.policy is managed.policy
    assert twin.describe() == managed.describe()


def test_unmanaged_and_policy_free_runs_have_no_journal(market: MarketData) -> None:
    result = run_backtest(MovingAverageCrossover(fast=5, slow=20), market, cash=CASH)

    assert result.output.journal is None
    assert result.interventions.empty
    assert result.risk_policy is None


def test_a_tripped_breaker_halts_new_entries_with_a_reason(market: MarketData) -> None:
    policy = RiskPolicy(max_drawdown=0.01, persistence=1)

    result = run_backtest(MovingAverageCrossover(fast=5, slow=20), market, cash=CASH,
                          risk_policy=policy)  # fmt: skip

    frame = result.interventions
    tripped = frame[frame["action"] == "tripped"]
    assert list(tripped["code"]) == ["drawdown"]
    assert "halted" in tripped["reason"].iloc[0]
    after = result.fills[result.fills["ts"] > tripped["ts"].iloc[0]]
    assert (after["quantity"] < 0).all()  # only exits of the long-only crossover


def test_the_default_policy_wraps_any_strategy(market: MarketData) -> None:
    strategy = RiskManaged(MovingAverageCrossover(fast=5, slow=20), default_policy())

    result = run_backtest(strategy, market, cash=CASH)

    assert result.risk_policy == default_policy()
    assert strategy.describe().endswith("under a risk policy")
    assert strategy.name == "sma_crossover"
