"""The trading-state machine: persistence, latches, operators, flattening, and order rules."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.risk import (
    LimitEvaluator,
    LimitKind,
    OrderAction,
    RiskPolicy,
    RiskState,
    TradingState,
    advance,
    begin_flatten,
    end_flatten,
    keeps_working,
    kill,
    permits,
    reduces_exposure,
    reset_limits,
    resume,
)

ACTIVE, REDUCING, HALTED = TradingState


def run(policy: RiskPolicy, equity: list[float], weights: list[float] | None = None):
    """Check after each equity print; return the states and every transition."""
    ev = LimitEvaluator(policy, ("SPY",))
    state, states, transitions = RiskState(), [], []
    for t in range(len(equity)):
        w = np.array([weights[t] if weights else 0.0])
        step = advance(policy, state, ev.check(w, equity[: t + 1]), at=t)
        state = step.state
        states.append(state.state)
        transitions.extend(step.transitions)
    return state, states, transitions


def test_breaker_trips_only_after_the_configured_persistence() -> None:
    policy = RiskPolicy(max_drawdown=0.1, persistence=3)

    _, states, transitions = run(policy, [100, 85, 100, 85, 85, 85, 85])

    assert states == [ACTIVE, ACTIVE, ACTIVE, ACTIVE, ACTIVE, HALTED, HALTED]
    assert len(transitions) == 1
    assert transitions[0].at == 5
    assert transitions[0].limit is LimitKind.DRAWDOWN
    assert "for 3 consecutive checks" in transitions[0].reason
    assert "drawdown 15.00% > cap 10.00%" in transitions[0].reason


def test_one_bad_print_does_not_halt() -> None:
    _, states, transitions = run(RiskPolicy(max_drawdown=0.1), [100, 1, 100, 100])

    assert states == [ACTIVE] * 4
    assert transitions == []


def test_latched_breaker_holds_until_reset() -> None:
    policy = RiskPolicy(max_drawdown=0.1, persistence=1)

    state, states, _ = run(policy, [100, 80, 100, 101])
    assert states == [ACTIVE, HALTED, HALTED, HALTED]

    step = reset_limits(state, "reviewed the drawdown", at=4)
    assert step.state.state is ACTIVE
    assert step.transitions[0].reason == "reviewed the drawdown"


def test_unlatched_limit_clears_when_met() -> None:
    policy = RiskPolicy(max_position_weight=0.5, persistence=1)

    _, states, transitions = run(policy, [1, 1, 1], weights=[0.2, 0.6, 0.4])

    assert states == [ACTIVE, REDUCING, ACTIVE]
    assert [t.current for t in transitions] == [REDUCING, ACTIVE]
    assert "cleared" in transitions[1].reason


def test_kill_switch_overrides_limits_and_resume_leaves_tripped_limits() -> None:
    policy = RiskPolicy(max_position_weight=0.5, persistence=1)
    state, _, _ = run(policy, [1, 1], weights=[0.2, 0.6])

    killed = kill(state, "operator pressed the kill switch", at=2).state
    assert killed.state is HALTED

    resumed = resume(killed, "all clear", at=3)
    assert resumed.state.state is REDUCING  # the position limit still holds
    assert (resumed.transitions[0].previous, resumed.transitions[0].current) == (HALTED, REDUCING)


def test_flattening_a_halted_book_goes_through_reducing() -> None:
    halted = kill(RiskState(), "kill", at=0).state

    flattening = begin_flatten(halted, "flatten the book", at=1).state
    assert flattening.state is REDUCING
    assert permits(flattening.state, OrderAction.SUBMIT, reduces_exposure=True)
    assert not permits(flattening.state, OrderAction.SUBMIT, reduces_exposure=False)

    assert end_flatten(flattening, "flat", at=2).state.state is HALTED


def test_operator_actions_need_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        kill(RiskState(), "  ", at=0)


@pytest.mark.parametrize(
    ("state", "action", "reduces", "allowed"),
    [
        (ACTIVE, OrderAction.SUBMIT, False, True),
        (REDUCING, OrderAction.SUBMIT, False, False),
        (REDUCING, OrderAction.SUBMIT, True, True),
        (REDUCING, OrderAction.MODIFY, True, True),
        (HALTED, OrderAction.SUBMIT, True, False),
        (HALTED, OrderAction.MODIFY, True, False),
        (HALTED, OrderAction.CANCEL, False, True),
        (REDUCING, OrderAction.CANCEL, False, True),
    ],
)
def test_permits_by_state(
    state: TradingState, action: OrderAction, reduces: bool, allowed: bool
) -> None:
    assert permits(state, action, reduces) is allowed


def test_a_halt_never_stops_working_exits() -> None:
    assert keeps_working(HALTED, reduces_exposure=True)
    assert not keeps_working(HALTED, reduces_exposure=False)
    assert not keeps_working(REDUCING, reduces_exposure=False)


@pytest.mark.parametrize(
    ("position", "quantity", "expected"),
    [
        (10, -5, True),
        (10, -10, True),
        (10, -11, False),
        (10, 1, False),
        (-4, 4, True),
        (0, -1, False),
        (-4, -1, False),
    ],
)
def test_reduces_exposure(position: float, quantity: float, expected: bool) -> None:
    assert reduces_exposure(position, quantity) is expected
