"""Hypothesis: the Python state machine and the kernel step agree; persistence is honoured."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tetra.risk import LIMIT_KINDS, LimitEvaluator, RiskPolicy, RiskState, advance, policy_arrays
from tetra.risk.measures import advance_limits_nb

SYMBOLS = ("SPY", "BTC")

policies = st.builds(
    RiskPolicy,
    max_position_weight=st.sampled_from([0.3, 0.6]),
    group_caps=st.sampled_from([{}, {"crypto": 0.2}]),
    max_gross_leverage=st.sampled_from([None, 0.9]),
    max_drawdown=st.sampled_from([None, 0.1, 0.3]),
    persistence=st.integers(1, 4),
)
books = st.lists(
    st.tuples(st.floats(-0.8, 0.8), st.floats(-0.5, 0.5), st.floats(50.0, 150.0)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(policies, books)
def test_python_machine_and_kernel_step_agree(
    policy: RiskPolicy, book: list[tuple[float, ...]]
) -> None:
    ev = LimitEvaluator(policy, SYMBOLS)
    arrays = policy_arrays(policy, SYMBOLS)
    state = RiskState()
    streak = np.zeros(len(LIMIT_KINDS), dtype=np.int64)
    tripped = np.zeros(len(LIMIT_KINDS), dtype=np.int64)
    equity = []
    for t, (w_spy, w_btc, value) in enumerate(book):
        equity.append(value)
        check = ev.check(np.array([w_spy, w_btc]), equity)
        state = advance(policy, state, check, at=t).state
        code = advance_limits_nb(check.breach_flags(), streak, tripped, arrays)

        assert state.limit_state.code == code
        assert list(state.streaks) == streak.tolist()
        assert {k.code for k in state.tripped} == set(np.nonzero(tripped)[0].tolist())


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.lists(st.booleans(), min_size=1, max_size=25))
def test_breaker_trips_exactly_when_the_breach_has_persisted(
    persistence: int, breaches: list[bool]
) -> None:
    policy = RiskPolicy(max_drawdown=0.1, persistence=persistence)
    ev = LimitEvaluator(policy, SYMBOLS)
    state, run = RiskState(), 0
    for t, breached in enumerate(breaches):
        run = run + 1 if breached else 0
        equity = [100.0, 80.0 if breached else 100.0]
        was_tripped = bool(state.tripped)
        state = advance(policy, state, ev.check(np.zeros(2), equity), at=t).state

        assert bool(state.tripped) == (was_tripped or run >= persistence)
