"""The sample generator's output, pinned: every frame it emits hashes to a recorded digest.

A small but representative slice (ETFs, a bond fund paying dividends, mega caps, growth names
with a split, a stock listed inside the window, crypto on calendar days; three years) is
generated at a fixed seed, written as CSV and hashed. Floats are written to 7 significant
digits: the generator's last bits depend on the machine (its math library's exp and log, and
numpy's and numba's vector paths, take the CPU's instructions), so full precision gave two
sets of digests on two machines of this workplace (d3477db pinned one, the next machine
produced the other). A change to the generator moves values far more than 1e-7 and still
fails here; a change in the last bits does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import pytest

from tetra.data.calendars import sessions
from tetra.data.universe import load_universe
from tetra.sample.history import SampleSpec, generate_sample_history
from tetra.sample.macro import SAMPLE_SERIES, generate_macro
from tetra.sample.news import generate_news, news_instruments, split_adjusted_returns

SPEC = SampleSpec(end=dt.date(2025, 12, 31), years=3, seed=20251231)
SYMBOLS = (
    "SPY",
    "QQQ",
    "TLT",
    "GLD",
    "XLE",
    "AAPL",
    "NVDA",
    "IONQ",
    "RKLB",
    "SMCI",
    "BTC",
    "ETH",
)
DIGESTS = {
    "bars": "aa889d6b985f5d03e58528b27fc2e7092262d9f192aabbcd3ffdcb1b85a3f7e0",
    "corporate_actions": "6ab1a5f4901922a0d5a967a30b4b10d333e5acb447208ac1911476fcf685aa45",
    "macro": "be8a39b4b1898302f95647aabbefc3d563dab865e6222ca6568e90376a2544f1",
    "news": "3025adf22daa46139178eefa9364c59b77dec56da82ae082c7b8a9398436551a",
}


def digest(frame: pd.DataFrame) -> str:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.7g")
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    universe = load_universe()
    instruments = [universe.get(symbol) for symbol in SYMBOLS]
    days = np.asarray(sessions(SPEC.end.replace(year=SPEC.end.year - SPEC.years), SPEC.end))
    history = generate_sample_history(instruments, days, SPEC)
    chosen = news_instruments(instruments)
    returns = split_adjusted_returns(
        history.bars, history.corporate_actions, [i.symbol for i in chosen]
    )
    on_sessions = returns["SPY"].reindex(pd.DatetimeIndex(days)).fillna(0.0)
    macro = generate_macro(days, on_sessions.to_numpy(), SPEC.end, SPEC.seed)
    return {
        "bars": history.bars,
        "corporate_actions": history.corporate_actions,
        "macro": macro.observations,
        "news": generate_news(chosen, returns, SPEC.end, SPEC.seed),
    }


def test_the_slice_exercises_splits_dividends_news_and_macro(
    frames: dict[str, pd.DataFrame],
) -> None:
    actions = set(frames["corporate_actions"]["action"])

    assert actions == {"split", "dividend"}
    assert set(frames["bars"]["symbol"]) == set(SYMBOLS)
    assert len(frames["news"]) > 100
    assert set(frames["macro"]["series_id"]) == set(SAMPLE_SERIES)


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_generated_frame_matches_its_pinned_digest(
    frames: dict[str, pd.DataFrame], name: str
) -> None:
    assert digest(frames[name]) == DIGESTS[name]
