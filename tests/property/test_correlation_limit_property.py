"""Hypothesis: the correlation limit's cheap verdict (`settled_breach`: the portfolio bound,
then pairs judged in rounds) never disagrees with the full measure, whatever the market's
correlation, its missing days, a drifting symbol, the threshold or the cap."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tetra.risk.measures import TOLERANCE, correlated_weight_nb, returns_window_nb, usage_of
from tetra.simulation import correlation_limit as cl

SYMBOLS, BARS = 14, 90


def market(seed: int, loading: float, missing: float, drift: float) -> np.ndarray:
    """Closes of a one-factor market: `loading` scales how much the symbols move together."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 0.01, (BARS, 1))
    returns = common * rng.uniform(-loading, loading * 1.5, SYMBOLS) + rng.normal(
        0, 0.006, (BARS, SYMBOLS)
    )
    returns[:, 0] = drift + rng.normal(0, 1e-5, BARS)  # a symbol whose mean dwarfs its spread
    close = 100 * np.exp(np.cumsum(returns, axis=0))
    close[rng.random(close.shape) < missing] = np.nan
    return close


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    loading=st.floats(0.0, 3.0),
    missing=st.sampled_from([0.0, 0.0, 0.02, 0.1]),
    drift=st.sampled_from([0.0, 0.002]),
    threshold=st.floats(0.05, 0.95),
    window=st.integers(5, 40),
    held_share=st.floats(0.2, 1.0),
)
def test_a_settled_verdict_is_always_the_full_measures(
    seed: int, loading: float, missing: float, drift: float, threshold: float, window: int,
    held_share: float,
) -> None:  # fmt: skip
    close = market(seed, loading, missing, drift)
    rng = np.random.default_rng(seed + 1)
    arrays = cl.correlation_arrays(SYMBOLS, window)
    for t in range(window // 2, BARS, 3):
        held = rng.random(SYMBOLS) < held_share
        weights = np.where(held, rng.uniform(-0.15, 0.15, SYMBOLS), 0.0)
        value, _ = correlated_weight_nb(weights, returns_window_nb(close, t, window), threshold)
        gross = np.abs(weights).sum()
        for cap in (value * (1 - 1e-6), value, value * (1 + 1e-6), gross * 0.6, gross * 0.9):
            verdict = cl.settled_breach(weights, close, t, window, threshold, cap, arrays)
            if verdict >= 0:
                assert verdict == int(usage_of(value, cap) > 1 + TOLERANCE), (t, cap)
