"""Hypothesis: under a risk policy, the fills the gate allowed meet every cap, on both paths
alike, and limits trip exactly when their breach has lasted the configured persistence.

The caps are checked by an independent replay of the fills: each fill that grows a
position is valued at its fill price, the other positions at their last closes, against the
equity at the previous close (the gate's documented measure). Trips are checked against
drawdowns and daily losses computed from the equity curve alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_backtest_parity import random_market, random_orders, replay

from tetra.backtest.compiled import KernelOutput, run_compiled
from tetra.backtest.engine import run_callbacks
from tetra.backtest.managed import gate_for
from tetra.market import MarketData, OrderArrays
from tetra.risk import LimitKind, RiskPolicy
from tetra.risk.arrays import PolicyArrays, policy_arrays
from tetra.risk.measures import usage_of
from tetra.risk.policy import BreachRule, CorrelationLimit
from tetra.simulation import correlation_limit as cl
from tetra.simulation import risk_gate as g
from tetra.simulation.exits import Exits
from tetra.simulation.layout import F_PRICE, F_QUANTITY, F_SYMBOL, F_T

SYMBOLS = ("SPY", "QQQ", "NVDA", "AAPL", "BTC", "ETH")  # ETFs, stocks and crypto: buckets bite
TOLERANCE = 1e-9
CORRELATED = LimitKind.CORRELATED_WEIGHT.code


def universe_market(seed: int, bars: int) -> MarketData:
    """A split-free random market over real universe symbols (splits would re-scale positions)."""
    m = random_market(seed, bars, len(SYMBOLS))
    ones = np.ones(m.shape)
    return MarketData(m.dates, SYMBOLS, m.open, m.high, m.low, m.close, m.volume, ones, m.dividend)


POLICIES = st.builds(
    lambda position, gross, net_share, crypto, persistence: RiskPolicy(
        max_position_weight=position,
        max_gross_leverage=gross,
        max_net_leverage=gross * net_share,
        group_caps={"crypto": crypto},
        persistence=persistence,
    ),
    position=st.floats(0.05, 0.5),
    gross=st.floats(0.5, 1.5),
    net_share=st.floats(0.5, 1.0),
    crypto=st.floats(0.05, 0.5),
    persistence=st.integers(1, 3),
)


def both_paths(market: MarketData, orders: OrderArrays, policy: RiskPolicy) -> KernelOutput:
    count = int(np.isfinite(orders.size).sum())
    compiled = run_compiled(
        market, orders, cash=100_000.0, gate=gate_for(policy, market, 1e5, count)
    )
    per_bar = run_callbacks(
        market, replay(orders), cash=100_000.0, gate=gate_for(policy, market, 1e5)
    )
    np.testing.assert_array_equal(compiled.fills, per_bar.fills)
    np.testing.assert_array_equal(compiled.equity, per_bar.equity)
    assert compiled.journal is not None
    assert per_bar.journal is not None
    np.testing.assert_array_equal(compiled.journal, per_bar.journal)
    return compiled


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), policy=POLICIES)
def test_every_allowed_fill_meets_every_cap(seed: int, policy: RiskPolicy) -> None:
    market = universe_market(seed, bars=80)
    output = both_paths(market, random_orders(seed, market), policy)

    arrays = policy_arrays(policy, market.symbols)
    last = pd.DataFrame(market.close).ffill().fillna(0.0).to_numpy()
    held = np.zeros(len(SYMBOLS))
    for t in range(1, market.shape[0]):
        held = output.positions[t - 1].copy()
        equity = output.equity[t - 1]
        for fill in output.fills[output.fills[:, F_T] == t]:
            n, quantity, price = int(fill[F_SYMBOL]), fill[F_QUANTITY], fill[F_PRICE]
            before, after = held[n], held[n] + quantity
            held[n] = after
            grows = abs(after) > abs(before) or before * after < 0
            if not grows:
                continue
            values = held * last[t - 1]
            values[n] = after * price
            # a fill that grows its position but brings the book's net toward zero (buying
            # while net short) reduces the net exposure: the net cap does not hold it back
            net_before = values.sum() - quantity * price
            for name, used, cap in caps(values, n, arrays):
                if name == "net" and abs(values.sum()) <= abs(net_before):
                    continue
                assert used <= cap * equity * (1 + TOLERANCE) + 1e-6 or abs(after) <= abs(before), (
                    f"bar {t}: {name} {used / equity:.4f} over {cap}"
                )


def caps(values: np.ndarray, n: int, arrays) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
    out = [
        ("position", abs(values[n]), arrays.position_cap[n]),
        ("gross", np.abs(values).sum(), arrays.limit_cap[LimitKind.GROSS_LEVERAGE.code]),
        ("net", abs(values.sum()), arrays.limit_cap[LimitKind.NET_LEVERAGE.code]),
    ]
    for b in range(arrays.bucket_members.shape[0]):
        if arrays.bucket_members[b, n]:
            out.append(
                ("bucket", np.abs(values * arrays.bucket_members[b]).sum(), arrays.bucket_cap[b])
            )
    return out


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    drawdown=st.floats(0.005, 0.05),
    daily_share=st.floats(0.2, 1.0),
    persistence=st.integers(1, 4),
)
def test_limits_trip_only_after_their_persistence(
    seed: int, drawdown: float, daily_share: float, persistence: int
) -> None:
    daily = drawdown * daily_share  # a policy refuses a daily limit above the drawdown
    market = universe_market(seed, bars=60)
    policy = RiskPolicy(max_drawdown=drawdown, daily_loss_limit=daily, persistence=persistence)
    output = both_paths(market, random_orders(seed, market), policy)
    journal = output.journal
    assert journal is not None

    equity = np.concatenate([[100_000.0], output.equity])
    peak = np.maximum.accumulate(equity)
    measures = {
        LimitKind.DRAWDOWN: (peak[1:] - equity[1:]) / peak[1:],
        LimitKind.DAILY_LOSS: np.maximum(0.0, (equity[:-1] - equity[1:]) / equity[:-1]),
    }
    caps_of = {LimitKind.DRAWDOWN: drawdown, LimitKind.DAILY_LOSS: daily}
    for kind, measure in measures.items():
        expected = expected_changes(measure > caps_of[kind] * (1 + TOLERANCE), persistence,
                                    latched=kind is LimitKind.DRAWDOWN)  # fmt: skip
        mine = journal[journal[:, g.J_CODE] == kind.code]
        mine = mine[np.isin(mine[:, g.J_ACTION], (g.TRIPPED, g.CLEARED))]
        got = [(int(r[g.J_T]), int(r[g.J_ACTION])) for r in mine]
        assert got == expected, kind


def expected_changes(
    breached: np.ndarray, persistence: int, latched: bool
) -> list[tuple[int, int]]:
    changes, streak, tripped = [], 0, False
    for t, bad in enumerate(breached):
        streak = streak + 1 if bad else 0
        now = tripped if (latched and tripped) else (streak >= persistence or (tripped and bad))
        if now != tripped:
            changes.append((t, g.TRIPPED if now else g.CLEARED))
        tripped = now
    return changes


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_halted_book_only_ever_shrinks(seed: int) -> None:
    market = universe_market(seed, bars=60)
    policy = RiskPolicy(max_drawdown=0.01, persistence=1)
    output = both_paths(market, random_orders(seed, market), policy)
    assert output.journal is not None

    trips = output.journal[output.journal[:, g.J_ACTION] == g.TRIPPED]
    if len(trips) == 0:
        return
    halted_at = int(trips[0, g.J_T])
    for fill in output.fills[output.fills[:, F_T] > halted_at]:
        t, n = int(fill[F_T]), int(fill[F_SYMBOL])
        before = output.positions[t - 1, n]
        after = before + fill[F_QUANTITY]
        assert abs(after) < abs(before), f"bar {t}: a halted book grew"
        assert before * after >= 0, f"bar {t}: a halted book flipped"


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), policy=POLICIES)
def test_stops_and_the_gate_together_fill_alike_on_both_paths(
    seed: int, policy: RiskPolicy
) -> None:
    market = universe_market(seed, bars=60)
    orders = random_orders(seed, market)
    exits = Exits(stop_loss=0.03, trailing_stop_atr=2.0, atr_window=5, time_exit=8)
    count = int(np.isfinite(orders.size).sum())

    compiled = run_compiled(market, orders, cash=1e5, exits=exits,
                            gate=gate_for(policy, market, 1e5, count))  # fmt: skip
    per_bar = run_callbacks(market, replay(orders), cash=1e5, exits=exits,
                            gate=gate_for(policy, market, 1e5))  # fmt: skip

    np.testing.assert_array_equal(compiled.fills, per_bar.fills)
    np.testing.assert_array_equal(compiled.equity, per_bar.equity)
    assert compiled.journal is not None
    assert per_bar.journal is not None
    np.testing.assert_array_equal(compiled.journal, per_bar.journal)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    threshold=st.floats(0.05, 0.9),
    cap=st.floats(0.005, 0.3),
    window=st.integers(4, 30),
    persistence=st.integers(1, 3),
    latch=st.booleans(),
)
def test_the_correlation_limit_trips_and_clears_as_its_full_measure_says(
    seed: int, threshold: float, cap: float, window: int, persistence: int, latch: bool
) -> None:
    market = universe_market(seed, bars=80)
    policy = RiskPolicy(
        correlation=CorrelationLimit(threshold=threshold, cap=cap, window=window),
        persistence=persistence,
        on_breach={LimitKind.CORRELATED_WEIGHT: BreachRule(latch=latch)},
    )
    output = both_paths(market, random_orders(seed, market), policy)
    assert output.journal is not None

    mine = output.journal[output.journal[:, g.J_CODE] == CORRELATED]
    mine = mine[np.isin(mine[:, g.J_ACTION], (g.TRIPPED, g.CLEARED))]
    columns = [g.J_T, g.J_SYMBOL, g.J_ACTION, g.J_REQUESTED, g.J_ALLOWED]
    expected = full_measure_changes(output, market, policy_arrays(policy, market.symbols))
    np.testing.assert_array_equal(mine[:, columns], expected.reshape(-1, len(columns)))


def full_measure_changes(output: KernelOutput, market: MarketData,
                         policy: PolicyArrays) -> np.ndarray:  # fmt: skip
    """Rows (t, subject, action, value, cap) of the correlation limit measured in full each bar."""
    close, (t_count, n_count) = np.ascontiguousarray(market.close), market.shape
    last = pd.DataFrame(market.close).ffill().fillna(0.0).to_numpy()
    window, cap = policy.corr_window, policy.limit_cap[CORRELATED]
    arrays = cl.correlation_arrays(n_count, window)
    rows, streak, tripped = [], 0, False
    for t in range(t_count):
        equity = output.equity[t]
        weights = output.positions[t] * last[t] / equity if equity > 0 else np.zeros(n_count)
        value, subject = cl.correlated_weight(weights, close, t, window, policy.corr_threshold,
                                              arrays)  # fmt: skip
        breached = usage_of(value, cap) > 1 + TOLERANCE
        streak = streak + 1 if breached else 0
        if breached:
            now = tripped or streak >= policy.persistence[CORRELATED]
        else:
            now = tripped and bool(policy.latch[CORRELATED])
        if now != tripped:
            rows.append((t, subject, g.TRIPPED if now else g.CLEARED, value, cap))
        tripped = now
    return np.array(rows, dtype=float)
