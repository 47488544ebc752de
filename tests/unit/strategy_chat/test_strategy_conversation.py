"""Turns of a strategy conversation with the offline parser, on seeded random walks."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from tetra.backtest.research.walk_forward import folds, run_out_of_sample
from tetra.backtest.run import run_backtest
from tetra.risk.policy import RiskPolicy
from tetra.strategy.spec import SpecInputs, StrategySpec, compile_spec
from tetra.strategy.spec.compile import sizing_policy
from tetra.strategy_chat.evidence import (
    CASH,
    costs_of,
    neighbours,
    policy_loader,
    policy_of,
    quick_metrics,
)
from tetra.strategy_chat.proposers import OfflineProposer, ProposerRouter
from tetra.strategy_chat.service import StrategyChat, TurnFailed


def _chat(source: object) -> StrategyChat:
    return StrategyChat(ProposerRouter(OfflineProposer()), source)  # type: ignore[arg-type]


def test_an_idea_gives_a_spec_in_words_a_backtest_a_walk_forward_and_a_reply(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)

    _, version = chat.turn("buy SPY when RSI(14) falls below 30 and sell above 70")

    evidence = version.evidence
    assert version.number == 1
    assert version.diff == []
    assert version.words[0].startswith("Buy SPY when RSI(14)")
    assert evidence.trades > 0
    assert "sharpe_ratio" in evidence.metrics
    assert evidence.walk_forward["folds"] >= 4
    assert len(evidence.candidates) == 5
    assert 0.0 <= evidence.deflated_sharpe["probability"] <= 1.0
    assert evidence.monte_carlo["paths"] == 200
    assert "Walk-forward over" in version.reply
    assert "Deflated Sharpe" in version.reply


def test_a_refinement_is_a_new_version_with_a_diff(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)
    conversation, _ = chat.turn("buy SPY when RSI(14) falls below 30 and sell above 70")

    _, second = chat.turn("add a stop at 2 ATR", conversation.id)

    assert second.number == 2
    assert any(line.startswith("strategy.stop") for line in second.diff)
    assert len(conversation.versions) == 2


def test_the_same_idea_gives_the_same_hash_and_the_same_results(walk_source) -> None:  # type: ignore[no-untyped-def]
    idea = "rotate monthly between QQQ and TLT by 3-month momentum"

    _, first = _chat(walk_source).turn(idea)
    _, second = _chat(walk_source).turn(idea)

    assert first.spec_hash == second.spec_hash
    assert first.results_digest == second.results_digest


def test_weak_evidence_is_said_plainly(walk_source) -> None:  # type: ignore[no-untyped-def]
    _, version = _chat(walk_source).turn(
        "buy SPY when RSI(2) falls below 5 and sell above 95, max drawdown 1%"
    )

    text = " ".join(version.evidence.caveats)
    assert "few trades" in text or "enforced by the risk layer" in text
    assert "Caveats:" in version.reply


def test_an_idea_it_cannot_read_leaves_the_conversation_unchanged(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)
    conversation, _ = chat.turn("golden cross on SPY")

    with pytest.raises(TurnFailed) as failed:
        chat.turn("make me rich", conversation.id)

    assert failed.value.reasons  # the phrasings the parser knows
    assert len(conversation.versions) == 1


def test_a_drawdown_limit_in_the_spec_is_enforced_by_the_risk_layer(walk_source) -> None:  # type: ignore[no-untyped-def]
    idea = "buy SPY when it closes above its 200-day moving average, sell below it"
    chat = _chat(walk_source)

    _, free = chat.turn(idea)
    _, limited = chat.turn(idea + ", max drawdown 5%")

    assert "risk_interventions" not in free.evidence.metrics
    assert limited.evidence.metrics["risk_interventions"] > 0
    assert limited.evidence.trades < free.evidence.trades  # no new entries past the limit
    assert any("enforced by the risk layer" in c for c in limited.evidence.caveats)


class _SlowStress:
    """The walks, with a stress table that waits until the test releases it."""

    def __init__(self, walks: object) -> None:
        self.walks, self.release = walks, threading.Event()
        self.market, self.inputs = walks.market, walks.inputs  # type: ignore[attr-defined]

    def stress(self, spec: object, inputs: object) -> tuple[list[dict[str, Any]], str]:
        assert self.release.wait(10)
        row = {"scenario": "crash", "method": "factor", "return": -0.2, "max_drawdown": -0.3}
        return [row], ""


def test_a_turn_answers_before_the_stress_table_which_follows_on_request(walk_source) -> None:  # type: ignore[no-untyped-def]
    source = _SlowStress(walk_source)
    chat = _chat(source)

    conversation, version = chat.turn("buy SPY when RSI(14) falls below 30 and sell above 70")

    assert version.evidence.walk_forward["folds"] >= 4
    assert version.evidence.stress == []
    with pytest.raises(TimeoutError):
        chat.stress(conversation.id, 1, timeout=0.05)
    source.release.set()
    table = chat.stress(conversation.id, 1, timeout=10)
    assert [row["scenario"] for row in table.rows] == ["crash"]
    assert version.evidence.stress == table.rows
    chat.close()


def test_a_stress_table_that_cannot_be_made_says_why(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)
    conversation, _ = chat.turn("buy SPY when RSI(14) falls below 30 and sell above 70")

    table = chat.stress(conversation.id, 1, timeout=10)

    assert table.rows == []
    assert "no store" in table.missing
    with pytest.raises(TurnFailed):
        chat.stress(conversation.id, 2)


def test_a_universe_group_is_resolved_against_the_source_before_it_runs(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)

    _, version = chat.turn("buy and hold the AI infrastructure names, rebalanced monthly")

    assert version.spec.universe is not None
    assert version.spec.symbols == ("AMD", "NVDA", "SMH")
    assert version.evidence.trades >= 3
    assert "Rebalanced monthly." in version.words


def test_a_group_the_source_does_not_know_fails_the_turn_with_the_known_names(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)

    with pytest.raises(TurnFailed, match=r"no group 'quantum' \(known: ai_infrastructure"):
        chat.turn("buy the quantum stocks when RSI(14) falls below 30 and sell above 70")


def test_the_default_risk_policy_runs_the_backtest_and_an_unknown_one_fails(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)

    _, version = chat.turn("buy and hold 60% SPY and 40% TLT, with the default risk limits")

    assert "risk_interventions" in version.evidence.metrics
    assert any("'default' risk policy was enforced" in c for c in version.evidence.caveats)
    with pytest.raises(TurnFailed, match="no risk policy named 'cautious'"):
        chat.turn("buy and hold 60% SPY and 40% TLT, with the cautious risk policy")


def test_a_named_risk_policy_is_read_from_the_policy_directory(walk_source, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cautious.toml").write_text("max_position_weight = 0.3\n")
    chat = StrategyChat(ProposerRouter(OfflineProposer()), walk_source, tmp_path)

    _, version = chat.turn("buy and hold 60% SPY and 40% TLT, with the cautious risk policy")

    assert version.spec.risk.policy == "cautious"
    assert version.evidence.metrics["risk_interventions"] >= 1  # 60% SPY is over its 30% cap


def test_a_sized_spec_runs_its_backtest_with_the_sizing_and_says_so(walk_source) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(walk_source)
    conversation, plain = chat.turn("buy SPY when RSI(14) falls below 30 and sell above 70")

    _, sized = chat.turn("size it with a 2% volatility target", conversation.id)

    assert sized.spec.sizing is not None
    assert any(line.startswith("sizing") for line in sized.diff)
    assert any("sized by volatility_target" in c for c in sized.evidence.caveats)
    assert not any("walk-forward runs without" in c for c in sized.evidence.caveats)
    assert sized.evidence.metrics["max_drawdown"] > plain.evidence.metrics["max_drawdown"]


def test_the_walk_forward_runs_under_the_specs_policy_and_sizing(walk_source, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "tight.toml").write_text("max_position_weight = 0.05\npersistence = 1\n")
    chat = StrategyChat(ProposerRouter(OfflineProposer()), walk_source, tmp_path)
    idea = "buy SPY when RSI(14) falls below 30 and sell above 70"
    conversation, free = chat.turn(idea)

    _, tight = chat.turn("use the tight risk policy, size it with a 2% volatility target",
                         conversation.id)  # fmt: skip

    walk = tight.evidence.walk_forward
    policy = policy_of(tight.spec, policy_loader(tmp_path))
    direct = direct_walk_forward(
        tight.spec, walk_source, policy, walk["train_bars"], walk["test_bars"]
    )
    assert "risk_interventions" not in free.evidence.walk_forward
    assert walk["risk_interventions"] > 0
    assert walk["total_return"] != free.evidence.walk_forward["total_return"]
    assert walk["risk_interventions"] == direct["risk_interventions"]
    assert walk["total_return"] == pytest.approx(direct["total_return"], rel=1e-12)
    assert not any("walk-forward runs without" in c for c in tight.evidence.caveats)


def direct_walk_forward(  # type: ignore[no-untyped-def]
    spec: StrategySpec, source, policy: RiskPolicy | None, train: int, test: int
) -> dict[str, float]:
    """The conversation's walk-forward computed from the research pieces, under `policy`."""
    market, specs, costs = source.market(spec.symbols, spec.years), neighbours(spec), costs_of(spec)

    def run(candidate: StrategySpec, data):  # type: ignore[no-untyped-def]
        return run_backtest(
            compile_spec(candidate, SpecInputs()), data, cash=CASH, costs=costs,
            risk_policy=policy, sizing=sizing_policy(candidate), guards=False,
        )  # fmt: skip

    tests = []
    for split in folds(market.shape[0], train, test):
        window = market.window(split.train_start, split.train_stop)
        scores = [quick_metrics(run(s, window).output.equity)[0] for _, s in specs]
        best = specs[int(np.argmax([x if np.isfinite(x) else -np.inf for x in scores]))][1]
        test_run = run_out_of_sample(
            compile_spec(best, SpecInputs()), market, split, train, cash=CASH, costs=costs,
            risk_policy=policy, sizing=sizing_policy(best),
        )  # fmt: skip
        tests.append(test_run)
    returns = np.concatenate([np.diff(t.output.equity) / t.output.equity[:-1] for t in tests])
    return {
        "risk_interventions": float(sum(len(t.interventions) for t in tests)),
        "total_return": float(np.prod(1.0 + returns) - 1.0),
    }
