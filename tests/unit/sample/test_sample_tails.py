"""Specifications of the sample universe's tails: realistic worst days on the default spec."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tetra.data.calendars import sessions
from tetra.data.universe import load_universe
from tetra.model.instruments import Instrument
from tetra.sample import profiles
from tetra.sample.history import SampleHistory, SampleSpec, generate_sample_history
from tetra.sample.profiles import Profile, profile_of

# The largest |daily close-to-close move| each profile may show over the default decade
MAX_DAILY_MOVE = {
    profiles.BOND_ETF: 0.08,
    profiles.BROAD_ETF: 0.12,
    profiles.REAL_ASSET_ETF: 0.25,
    profiles.THEMED_ETF: 0.25,
    profiles.LARGE_STOCK: 0.25,
    profiles.GROWTH_STOCK: 0.6,
    profiles.MAJOR_CRYPTO: 0.6,
    profiles.CRYPTO_COIN: 0.6,
}
ANNUAL_VOLATILITY = {
    profiles.BOND_ETF: (0.05, 0.15),
    profiles.BROAD_ETF: (0.13, 0.22),
    profiles.LARGE_STOCK: (0.2, 0.35),
    profiles.GROWTH_STOCK: (0.4, 0.7),
    profiles.MAJOR_CRYPTO: (0.5, 0.9),
    profiles.CRYPTO_COIN: (0.5, 0.9),
}


@pytest.fixture(scope="module")
def universe() -> list[Instrument]:
    return list(load_universe())


@pytest.fixture(scope="module")
def history(universe: list[Instrument]) -> SampleHistory:
    equity_sessions = sessions(dt.date(2015, 12, 31), dt.date(2025, 12, 31))
    return generate_sample_history(universe, equity_sessions, SampleSpec())


@pytest.fixture(scope="module")
def moves(history: SampleHistory) -> dict[str, np.ndarray]:
    """Return each symbol's split-adjusted daily log returns."""
    splits = history.corporate_actions.query("action == 'split'")
    result = {}
    for symbol, bars in history.bars.groupby("symbol"):
        closes = bars["close"].to_numpy()
        days = bars["ts"].dt.tz_localize(None).to_numpy()
        ratios = closes[1:] / closes[:-1]
        for split in splits[splits["symbol"] == symbol].itertuples():
            row = int(np.searchsorted(days, np.datetime64(pd.Timestamp(split.ex_date))))
            ratios[row - 1] *= split.split_to / split.split_from
        result[str(symbol)] = np.log(ratios)
    return result


def _by_profile(
    universe: list[Instrument], moves: dict[str, np.ndarray]
) -> dict[Profile, list[np.ndarray]]:
    grouped: dict[Profile, list[np.ndarray]] = {}
    for instrument in universe:
        grouped.setdefault(profile_of(instrument), []).append(moves[instrument.symbol])
    return grouped


def test_no_profile_has_a_daily_move_beyond_its_realistic_bound(
    universe: list[Instrument], moves: dict[str, np.ndarray]
) -> None:
    worst = {
        profile: max(float(np.abs(np.expm1(r)).max()) for r in returns)
        for profile, returns in _by_profile(universe, moves).items()
    }

    for profile, bound in MAX_DAILY_MOVE.items():
        assert worst[profile] < bound


def test_median_annual_volatility_of_each_profile_is_realistic(
    universe: list[Instrument], moves: dict[str, np.ndarray]
) -> None:
    grouped = _by_profile(universe, moves)

    for profile, (low, high) in ANNUAL_VOLATILITY.items():
        periods = 365 if profile in (profiles.MAJOR_CRYPTO, profiles.CRYPTO_COIN) else 252
        volatility = np.median([r.std() * np.sqrt(periods) for r in grouped[profile]])
        assert low < volatility < high


def test_tails_stay_fat_and_volatility_still_clusters(
    universe: list[Instrument], moves: dict[str, np.ndarray]
) -> None:
    returns = [moves[i.symbol] for i in universe if len(moves[i.symbol]) > 1000]
    centred = [r - r.mean() for r in returns]

    kurtosis = [float((c**4).mean() / (c**2).mean() ** 2 - 3.0) for c in centred]
    clustering = [float(np.corrcoef(c[1:] ** 2, c[:-1] ** 2)[0, 1]) for c in centred]

    assert np.median(kurtosis) > 1.0
    assert np.median(clustering) > 0.05
