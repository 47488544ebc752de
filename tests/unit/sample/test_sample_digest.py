"""The sample generator's output, pinned: every frame it emits hashes to a recorded digest.

A small but representative slice (ETFs, a bond fund paying dividends, mega caps, growth names
with a split, a stock listed inside the window, crypto on calendar days; three years) is
generated at a fixed seed, written as CSV (floats in their shortest round-trip form, so equal
text means equal bits) and hashed. A refactor that changes one bit of one value fails here.
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
    "bars": "a8f4ac42d23953345931ba3ae667a58fb48bf43bf30a964a1fc305c450c56e06",
    "corporate_actions": "6507b56f124d8021678a5ecfee2aac73a63eda1f209f5efe3f488bba650c0b9f",
    "macro": "90f35e90a7af63401fcc2b6f71b1116b040fd9ff884f12bd42de078296fff927",
    "news": "2c80233711b9451bf6f621a8f2244f34615605276db8f8b3a2f55c3715d83b33",
}


def digest(frame: pd.DataFrame) -> str:
    text = frame.to_csv(index=False, lineterminator="\n")
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
