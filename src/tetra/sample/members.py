"""Members of the sample universe: each instrument with its drawn traits and its own shocks.

Map of the module:
- `Window` is the calendar of the history: every calendar day and the rows that are sessions.
- `draw_member` draws an instrument's `Traits` from its `Profile` and its unit shocks, all from
  a generator keyed on its symbol (`keyed_rng`), so members never share random state.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tetra.model.instruments import Instrument
from tetra.sample.profiles import Profile, level_range, profile_of
from tetra.simulation.stochastic import FloatArray, IntArray, standardised_student_t

DateArray = npt.NDArray[np.datetime64]

_SESSIONS_PER_YEAR = 252
_DAYS_PER_YEAR = 365
_CLOSED_MARKET_ACTIVITY = 0.2  # news still moves prices a little while the exchange is shut


@dataclass(frozen=True, slots=True)
class Traits:
    """One instrument's drawn parameters; volatility and drift are annualised."""

    level: float  # the last close of the history
    volatility: float
    drift: float
    market_beta: float
    broad_loading: float
    group_loadings: tuple[float, float]  # on its primary-theme and its sector factor
    garch_alpha: float
    garch_persistence: float
    degrees_of_freedom: float
    dividend_yield: float  # zero when it pays none
    dividend_month: int  # first month (0-based) of its payment cycle
    dividend_day: int
    dollar_volume: float


@dataclass(frozen=True, slots=True, eq=False)
class Member:
    """An instrument with its profile, traits and its own shocks."""

    instrument: Instrument
    profile: Profile
    traits: Traits
    innovations: FloatArray  # idiosyncratic unit Student-t shocks, one per calendar day
    bar_shocks: FloatArray  # (4, row): gap noise, high and low excursions, volume noise


@dataclass(frozen=True, slots=True, eq=False)
class Window:
    """Every calendar day of the history and the rows of those that are exchange sessions."""

    days: DateArray
    session_rows: IntArray

    def market_activity(self) -> FloatArray:
        """Return how much of a day's news moves exchange-traded prices, per calendar day."""
        activity = np.full(len(self.days), _CLOSED_MARKET_ACTIVITY)
        activity[self.session_rows] = 1.0
        return activity


def keyed_rng(seed: int, key: str) -> np.random.Generator:
    """Return a generator that depends only on `seed` and `key` (stable across runs)."""
    digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
    words = np.frombuffer(digest, dtype=np.uint32).tolist()
    return np.random.default_rng(np.random.SeedSequence([seed, *words]))


def periods_per_year(every_day: bool) -> int:
    """Return the bars a year holds on a round-the-clock or an exchange calendar."""
    return _DAYS_PER_YEAR if every_day else _SESSIONS_PER_YEAR


def draw_member(instrument: Instrument, window: Window, seed: int) -> Member:
    """Draw `instrument`'s traits and shocks from a generator keyed on its symbol."""
    profile = profile_of(instrument)
    rng = keyed_rng(seed, f"instrument:{instrument.symbol}")
    traits = _draw_traits(rng, instrument, profile)
    shape = (len(window.days),)
    innovations = standardised_student_t(rng, traits.degrees_of_freedom, shape)
    rows = len(window.days) if instrument.trades_every_day else len(window.session_rows)
    gaps, excursions = rng.standard_normal(rows), rng.standard_exponential((2, rows))
    bar_shocks = np.vstack([gaps, excursions, rng.standard_normal(rows)])
    return Member(instrument, profile, traits, innovations, bar_shocks)


def _draw_traits(rng: np.random.Generator, instrument: Instrument, profile: Profile) -> Traits:
    pays_dividends = rng.random() < profile.dividend_probability
    dividend_yield = rng.uniform(*profile.dividend_yield) if pays_dividends else 0.0
    return Traits(
        level=_log_uniform(rng, level_range(instrument)),
        volatility=rng.uniform(*profile.volatility),
        drift=rng.uniform(*profile.drift),
        market_beta=rng.uniform(*profile.market_beta),
        broad_loading=rng.uniform(*profile.broad_loading),
        group_loadings=(rng.uniform(*profile.group_loading), rng.uniform(*profile.group_loading)),
        garch_alpha=rng.uniform(0.03, 0.06),
        garch_persistence=rng.uniform(0.96, 0.985),
        degrees_of_freedom=rng.uniform(*profile.tail_freedom),
        dividend_yield=dividend_yield,
        dividend_month=int(rng.integers(0, 12 // profile.payments_per_year)),
        dividend_day=int(rng.integers(3, 26)),
        dollar_volume=_log_uniform(rng, profile.dollar_volume),
    )


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return math.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1])))
