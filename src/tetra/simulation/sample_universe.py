"""The offline sample universe: a deterministic, realistic synthetic daily history.

Map of the module:
- `generate_sample_history` is the entry point. It lays out a `_Window` of calendar days and
  exchange sessions, draws each instrument's traits and shocks from a generator keyed on its
  symbol (`_draw_member`), simulates the shared factors on the calendar grid (`_simulate_daily`),
  then prices each `_Block` of instruments that share a calendar and assembles two frames.
- `_Profile` and `_profile_of` hold the per-asset-class ranges that keep levels (the last close),
  volatilities, dividends and volumes realistic.
- Splits are chosen once returns exist: strong performers split forward, the weakest growth stock
  splits in reverse at its low. Dividends follow a per-symbol monthly or quarterly calendar.

Every factor and instrument draws from its own `SeedSequence` keyed on `spec.seed` and its name,
so adding an instrument leaves the others' split-adjusted paths unchanged. The continuous
split-adjusted path comes first; raw prices multiply it by the ratios of the splits still ahead
of each bar and raw volumes divide by them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.simulation.stochastic import (
    BarShape,
    FloatArray,
    GarchParameters,
    GarchPaths,
    IntArray,
    OhlcPaths,
    aggregate_between,
    autoregressive_noise,
    combine_factor_variances,
    combine_factors,
    correlate_innovations,
    deduct_payouts,
    garch_paths,
    ohlc_from_returns,
    overnight_gaps,
    standardised_student_t,
    trading_volume,
    volatility_regime,
)

SAMPLE_SOURCE = "sample"
BAR_INTERVAL = "1d"
BAR_COLUMNS = ("symbol", "interval", "ts", "open", "high", "low", "close", "volume", "source")
CORPORATE_ACTION_COLUMNS = (
    "symbol",
    "ex_date",
    "action",
    "split_from",
    "split_to",
    "cash_amount",
    "currency",
    "source",
)

DateArray = npt.NDArray[np.datetime64]
BoolArray = npt.NDArray[np.bool_]

_SESSIONS_PER_YEAR = 252
_DAYS_PER_YEAR = 365
_CLOSED_MARKET_ACTIVITY = 0.2  # news still moves prices a little while the exchange is shut
_EXCHANGE_BARS = BarShape(gap_share=0.25, gap_noise=0.15, range_scale=0.5)
_ROUND_THE_CLOCK_BARS = BarShape(gap_share=0.0, gap_noise=0.0, range_scale=0.6)
_VOLUME_PERSISTENCE, _VOLUME_NOISE, _VOLUME_SENSITIVITY = 0.7, 0.3, 0.6

_MARKET, _RATES, _CRYPTO = "market", "rates", "crypto"
_CORE_FACTORS = (_MARKET, _RATES, _CRYPTO)
_CORE_VOLATILITY = {_MARKET: 0.16, _RATES: 0.06, _CRYPTO: 0.60}
_CORE_CORRELATION = np.array([[1.0, -0.25, 0.3], [-0.25, 1.0, 0.0], [0.3, 0.0, 1.0]])
_GROUP_VOLATILITY, _CRYPTO_GROUP_VOLATILITY = 0.15, 0.30
_FACTOR_ALPHA, _FACTOR_PERSISTENCE, _FACTOR_FREEDOM = 0.08, 0.985, 6.0

_MIN_SPLIT_HISTORY = 120
_SPLITS_PER_INSTRUMENT, _MAX_FORWARD_SPLITS = 1 / 25, 6
_FORWARD_SPLITS = ((1.0, 2.0), (1.0, 3.0), (1.0, 4.0), (1.0, 10.0))
_FORWARD_SPLIT_ODDS = (0.4, 0.2, 0.25, 0.15)
_REVERSE_SPLIT = (10.0, 1.0)
_ACTIONS = ("dividend", "split")  # in the order _action_rows lists them

_BOND_TAGS = ("bond", "treasur", "fixed_income", "municipal", "aggregate", "credit")
_REAL_ASSET_TAGS = ("gold", "silver", "precious", "commodit")
_MAJOR_COINS = {"BTC": (30_000.0, 100_000.0), "ETH": (1_500.0, 4_500.0)}
_COIN_LEVELS = {
    "BNB": (250.0, 700.0),
    "SOL": (20.0, 250.0),
    "XRP": (0.3, 2.5),
    "ADA": (0.25, 1.0),
    "DOGE": (0.05, 0.4),
    "SHIB": (5e-6, 3e-5),
}


@dataclass(frozen=True, slots=True)
class SampleSpec:
    """What to generate: the last day, how many years back, and the seed of everything."""

    end: dt.date = dt.date(2025, 12, 31)
    years: int = 10
    seed: int = 20251231

    def __post_init__(self) -> None:
        if self.years < 1 or self.seed < 0:
            raise ValidationError("a sample needs at least one year and a non-negative seed")


@dataclass(frozen=True, slots=True)
class SampleHistory:
    """Raw daily bars and the corporate actions that explain their jumps."""

    bars: pd.DataFrame
    corporate_actions: pd.DataFrame


@dataclass(frozen=True, slots=True)
class _Profile:
    """Ranges of an asset class's traits; levels and dollar volumes are drawn log-uniformly."""

    level: tuple[float, float]
    volatility: tuple[float, float]
    drift: tuple[float, float]
    market_beta: tuple[float, float]
    group_loading: tuple[float, float]
    dollar_volume: tuple[float, float]
    broad_factor: str | None = None
    broad_loading: tuple[float, float] = (0.0, 0.0)
    dividend_probability: float = 0.0
    dividend_yield: tuple[float, float] = (0.0, 0.0)
    payments_per_year: int = 4
    idiosyncratic_floor: float = 0.25  # own volatility as a share of the target, at least


# Positional ranges: level, volatility, drift, market beta, group loading, dollar volume.
_LARGE_STOCK = _Profile(
    (20, 600),
    (0.2, 0.38),
    (0.03, 0.14),
    (0.75, 1.35),
    (0.4, 0.9),
    (5e8, 1.5e10),
    dividend_probability=0.75,
    dividend_yield=(0.005, 0.035),
)
_GROWTH_STOCK = _Profile(
    (5, 400),
    (0.45, 0.8),
    (-0.05, 0.3),
    (1.1, 1.8),
    (0.6, 1.2),
    (3e7, 2e9),
    dividend_probability=0.1,
    dividend_yield=(0.002, 0.01),
)
_BROAD_ETF = _Profile(
    (30, 600),
    (0.1, 0.15),  # below the market's own: nearly all of it is the market factor
    (0.04, 0.1),
    (0.95, 1.05),
    (0.05, 0.2),
    (1e9, 3e10),
    dividend_probability=1.0,
    dividend_yield=(0.01, 0.022),
    idiosyncratic_floor=0.1,
)
_THEMED_ETF = _Profile(
    (15, 300),
    (0.22, 0.38),
    (0.0, 0.12),
    (0.9, 1.3),
    (0.7, 1.1),
    (2e7, 1e9),
    dividend_probability=0.9,
    dividend_yield=(0.001, 0.012),
)
_BOND_ETF = _Profile(
    (40, 120),
    (0.05, 0.14),
    (0.015, 0.045),
    (-0.1, 0.1),
    (0.05, 0.15),
    (2e8, 3e9),
    _RATES,
    (0.7, 1.6),
    1.0,
    (0.02, 0.04),
    payments_per_year=12,
)
_REAL_ASSET_ETF = _Profile((20, 250), (0.13, 0.22), (0.0, 0.08), (0.0, 0.2), (0.8, 1.1), (1e8, 2e9))
_MAJOR_CRYPTO = _Profile(
    (1, 10), (0.55, 0.75), (0.05, 0.3), (0.0, 0.0), (0.2, 0.4), (5e9, 3e10), _CRYPTO, (0.9, 1.1)
)
_CRYPTO_COIN = _Profile(
    (0.02, 40), (0.65, 0.9), (-0.05, 0.3), (0.0, 0.0), (0.2, 0.5), (2e7, 2e9), _CRYPTO, (0.8, 1.2)
)


@dataclass(frozen=True, slots=True)
class _Traits:
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
class _Member:
    """An instrument with its profile, traits and its own shocks."""

    instrument: Instrument
    profile: _Profile
    traits: _Traits
    innovations: FloatArray  # idiosyncratic unit Student-t shocks, one per calendar day
    bar_shocks: FloatArray  # (4, row): gap noise, high and low excursions, volume noise


@dataclass(frozen=True, slots=True, eq=False)
class _Window:
    """Every calendar day of the history and the rows of those that are exchange sessions."""

    days: DateArray
    session_rows: IntArray

    def market_activity(self) -> FloatArray:
        activity = np.full(len(self.days), _CLOSED_MARKET_ACTIVITY)
        activity[self.session_rows] = 1.0
        return activity


@dataclass(frozen=True, slots=True, eq=False)
class _Block:
    """Instruments sharing a calendar, as (row, column) arrays on that calendar."""

    members: list[_Member]
    ranks: IntArray  # each column's position in symbol order
    dates: DateArray
    valid: BoolArray  # on or after the listing
    returns: FloatArray  # total log returns, drift included, zero before the listing
    volatility: FloatArray
    bar_shape: BarShape


@dataclass(frozen=True, slots=True)
class _Split:
    column: int
    row: int
    split_from: float
    split_to: float


def generate_sample_history(
    instruments: Sequence[Instrument], equity_sessions: np.ndarray, spec: SampleSpec = SampleSpec()
) -> SampleHistory:
    """Generate raw daily bars and corporate actions for `instruments`, bit-identical per spec.

    Equities and ETFs trade on the `equity_sessions` (sorted dates) inside
    ``[spec.end - spec.years, spec.end]``, crypto on every calendar day; an instrument listed
    inside the window starts on its first trading day on or after `listed`.
    """
    _require_unique_symbols(instruments)
    window = _window_of(spec, equity_sessions)
    members = [_draw_member(i, window, spec.seed) for i in sorted(instruments, key=_symbol)]
    returns, variance = _simulate_daily(members, window, spec.seed)
    blocks = [_block(members, returns, variance, window, every_day) for every_day in (False, True)]
    splits = _choose_splits(blocks[0], spec.seed)
    priced = [_price(blocks[0], splits), _price(blocks[1], [])]
    symbols = [m.instrument.symbol for m in members]
    bars = _bars_frame(symbols, [bars for bars, _ in priced])
    actions = _actions_frame(symbols, [actions for _, actions in priced])
    return SampleHistory(bars=bars, corporate_actions=actions)


def _symbol(instrument: Instrument) -> str:
    return instrument.symbol


def _require_unique_symbols(instruments: Sequence[Instrument]) -> None:
    symbols = [i.symbol for i in instruments]
    if len(set(symbols)) != len(symbols):
        raise ValidationError("the sample universe needs unique symbols")


def _window_of(spec: SampleSpec, equity_sessions: np.ndarray) -> _Window:
    start = np.datetime64(_years_before(spec.end, spec.years), "D")
    end = np.datetime64(spec.end, "D")
    days = np.arange(start, end + 1, dtype="datetime64[D]")
    sessions = np.unique(np.asarray(equity_sessions).astype("datetime64[D]"))
    inside = sessions[(sessions >= start) & (sessions <= end)]
    return _Window(days=days, session_rows=np.searchsorted(days, inside))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _keyed_rng(seed: int, key: str) -> np.random.Generator:
    """Return a generator that depends only on `seed` and `key` (stable across runs)."""
    digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
    words = np.frombuffer(digest, dtype=np.uint32).tolist()
    return np.random.default_rng(np.random.SeedSequence([seed, *words]))


def _profile_of(instrument: Instrument) -> _Profile:
    if instrument.asset_class is AssetClass.CRYPTO:
        return _MAJOR_CRYPTO if _coin(instrument.symbol) in _MAJOR_COINS else _CRYPTO_COIN
    if instrument.asset_class is AssetClass.EQUITY:
        return _GROWTH_STOCK if instrument.group is UniverseGroup.GROWTH_STOCKS else _LARGE_STOCK
    if _tagged(instrument, _BOND_TAGS):
        return _BOND_ETF
    if _tagged(instrument, _REAL_ASSET_TAGS):
        return _REAL_ASSET_ETF
    return _BROAD_ETF if instrument.group is UniverseGroup.LARGEST_ETFS else _THEMED_ETF


def _tagged(instrument: Instrument, fragments: tuple[str, ...]) -> bool:
    tags = (*instrument.themes, instrument.sector or "")
    return any(fragment in tag.lower() for tag in tags for fragment in fragments)


def _coin(symbol: str) -> str:
    return re.sub(r"[-./]?(USDT|USDC|USD)$", "", symbol)


def _level_range(instrument: Instrument) -> tuple[float, float]:
    coin = _coin(instrument.symbol)
    if instrument.asset_class is AssetClass.CRYPTO and coin in {**_MAJOR_COINS, **_COIN_LEVELS}:
        return {**_MAJOR_COINS, **_COIN_LEVELS}[coin]
    return _profile_of(instrument).level


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return math.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1])))


def _draw_member(instrument: Instrument, window: _Window, seed: int) -> _Member:
    profile = _profile_of(instrument)
    rng = _keyed_rng(seed, f"instrument:{instrument.symbol}")
    traits = _draw_traits(rng, instrument, profile)
    shape = (len(window.days),)
    innovations = standardised_student_t(rng, traits.degrees_of_freedom, shape)
    rows = len(window.days) if instrument.trades_every_day else len(window.session_rows)
    gaps, excursions = rng.standard_normal(rows), rng.standard_exponential((2, rows))
    bar_shocks = np.vstack([gaps, excursions, rng.standard_normal(rows)])
    return _Member(instrument, profile, traits, innovations, bar_shocks)


def _draw_traits(rng: np.random.Generator, instrument: Instrument, profile: _Profile) -> _Traits:
    pays_dividends = rng.random() < profile.dividend_probability
    dividend_yield = rng.uniform(*profile.dividend_yield) if pays_dividends else 0.0
    return _Traits(
        level=_log_uniform(rng, _level_range(instrument)),
        volatility=rng.uniform(*profile.volatility),
        drift=rng.uniform(*profile.drift),
        market_beta=rng.uniform(*profile.market_beta),
        broad_loading=rng.uniform(*profile.broad_loading),
        group_loadings=(rng.uniform(*profile.group_loading), rng.uniform(*profile.group_loading)),
        garch_alpha=rng.uniform(0.05, 0.08),
        garch_persistence=rng.uniform(0.95, 0.98),
        degrees_of_freedom=rng.uniform(5.0, 7.0),
        dividend_yield=dividend_yield,
        dividend_month=int(rng.integers(0, 12 // profile.payments_per_year)),
        dividend_day=int(rng.integers(3, 26)),
        dollar_volume=_log_uniform(rng, profile.dollar_volume),
    )


def _group_keys(instrument: Instrument) -> tuple[str | None, str | None]:
    prefix = "crypto-" if instrument.trades_every_day else ""
    theme = f"{prefix}theme:{instrument.themes[0]}" if instrument.themes else None
    sector = f"{prefix}sector:{instrument.sector}" if instrument.sector else None
    return theme, sector


def _exposures(member: _Member) -> dict[str, float]:
    """Return the member's loading on each factor it is exposed to."""
    exposures = {_MARKET: member.traits.market_beta}
    if member.profile.broad_factor is not None:
        exposures[member.profile.broad_factor] = member.traits.broad_loading
    keys = _group_keys(member.instrument)
    groups = [(k, v) for k, v in zip(keys, member.traits.group_loadings, strict=True) if k]
    exposures.update({key: loading / math.sqrt(len(groups)) for key, loading in groups})
    return exposures


def _factor_volatility(key: str) -> float:
    if key in _CORE_VOLATILITY:
        return _CORE_VOLATILITY[key]
    return _CRYPTO_GROUP_VOLATILITY if _trades_every_day(key) else _GROUP_VOLATILITY


def _trades_every_day(factor_key: str) -> bool:
    return factor_key.startswith(_CRYPTO)


def _periods_per_year(every_day: bool) -> int:
    return _DAYS_PER_YEAR if every_day else _SESSIONS_PER_YEAR


def _simulate_daily(
    members: list[_Member], window: _Window, seed: int
) -> tuple[FloatArray, FloatArray]:
    """Return log returns and conditional variances, (calendar day, member), without drift."""
    exposures = [_exposures(m) for m in members]
    keys = [*_CORE_FACTORS, *sorted({k for e in exposures for k in e} - set(_CORE_FACTORS))]
    factors, regimes = _simulate_factors(keys, window, seed)
    anchors = [_CORE_FACTORS.index(m.profile.broad_factor or _MARKET) for m in members]
    idiosyncratic = _simulate_idiosyncratic(members, exposures, window, regimes[:, anchors])
    loadings = _loadings(exposures, keys)
    return (
        combine_factors(factors.returns, loadings, idiosyncratic.returns),
        combine_factor_variances(factors.volatility**2, loadings, idiosyncratic.volatility**2),
    )


def _loadings(exposures: list[dict[str, float]], keys: list[str]) -> FloatArray:
    """Return the (factor, member) loading matrix."""
    row_of = {key: row for row, key in enumerate(keys)}
    loadings = np.zeros((len(keys), len(exposures)))
    for column, member_exposures in enumerate(exposures):
        for key, loading in member_exposures.items():
            loadings[row_of[key], column] = loading
    return loadings


def _activity(every_day: list[bool], window: _Window) -> FloatArray:
    """Return how much of a day's news reaches each column: all of it when it trades that day."""
    return np.where(np.array(every_day, dtype=bool), 1.0, window.market_activity()[:, None])


def _simulate_factors(keys: list[str], window: _Window, seed: int) -> tuple[GarchPaths, FloatArray]:
    """Return the factors' paths and the volatility regimes of the three core factors."""
    shape = (len(window.days),)
    core = standardised_student_t(_keyed_rng(seed, "factor:core"), _FACTOR_FREEDOM, (*shape, 3))
    groups = [
        standardised_student_t(_keyed_rng(seed, f"factor:{key}"), _FACTOR_FREEDOM, shape)
        for key in keys[len(_CORE_FACTORS) :]
    ]
    innovations = np.column_stack([correlate_innovations(core, _CORE_CORRELATION), *groups])
    every_day = [_trades_every_day(k) for k in keys]
    per_step = [
        _factor_volatility(k) / math.sqrt(_periods_per_year(e))
        for k, e in zip(keys, every_day, strict=True)
    ]
    parameters = GarchParameters.from_volatility(
        per_step, _FACTOR_ALPHA, _FACTOR_PERSISTENCE, _FACTOR_FREEDOM
    )
    paths = garch_paths(innovations, parameters)
    regimes = volatility_regime(paths, parameters)[:, : len(_CORE_FACTORS)]
    return _scaled(paths, _activity(every_day, window)), regimes


def _simulate_idiosyncratic(
    members: list[_Member],
    exposures: list[dict[str, float]],
    window: _Window,
    regimes: FloatArray,
) -> GarchPaths:
    """Simulate each member's own moves; they swell and calm with its broad factor's regime."""
    every_day = [m.instrument.trades_every_day for m in members]
    systematic = np.array(
        [
            sum((loading * _factor_volatility(key)) ** 2 for key, loading in e.items())
            for e in exposures
        ]
    )
    target = np.array([m.traits.volatility for m in members])
    floor = np.array([m.profile.idiosyncratic_floor for m in members]) * target
    annual = np.sqrt(np.maximum(target**2 - systematic, floor**2))
    periods = np.array([_periods_per_year(e) for e in every_day], dtype=np.float64)
    parameters = GarchParameters.from_volatility(
        annual / np.sqrt(periods),
        [m.traits.garch_alpha for m in members],
        [m.traits.garch_persistence for m in members],
        [m.traits.degrees_of_freedom for m in members],
    )
    innovations = np.ascontiguousarray(np.array([m.innovations for m in members]).T)
    innovations = innovations.reshape(len(window.days), -1)
    return _scaled(garch_paths(innovations, parameters), regimes * _activity(every_day, window))


def _scaled(paths: GarchPaths, scale: FloatArray) -> GarchPaths:
    return GarchPaths(paths.returns * scale, paths.volatility * scale)


def _listing_day(instrument: Instrument, window: _Window) -> np.datetime64:
    first_day: np.datetime64 = window.days[0]
    if instrument.listed is None:
        return first_day
    return max(first_day, np.datetime64(instrument.listed, "D"))


def _block(
    members: list[_Member],
    returns: FloatArray,
    variance: FloatArray,
    window: _Window,
    every_day: bool,
) -> _Block:
    """Move the members trading on one calendar from calendar days onto that calendar."""
    columns = np.array(
        [c for c, m in enumerate(members) if m.instrument.trades_every_day is every_day],
        dtype=np.intp,
    )
    chosen = [members[c] for c in columns]
    rows = np.arange(len(window.days)) if every_day else window.session_rows
    dates = window.days[rows]
    listed = np.array([_listing_day(m.instrument, window) for m in chosen], dtype="datetime64[D]")
    valid = dates[:, np.newaxis] >= listed[np.newaxis, :]
    block_returns = aggregate_between(returns[:, columns], rows)
    block_variance = aggregate_between(variance[:, columns], rows)
    drift = np.array([m.traits.drift for m in chosen]) / _periods_per_year(every_day)
    shape = _ROUND_THE_CLOCK_BARS if every_day else _EXCHANGE_BARS
    total = np.where(valid, block_returns + drift, 0.0)
    return _Block(chosen, columns, dates, valid, total, np.sqrt(block_variance), shape)


def _first_row(block: _Block, column: int) -> int:
    return int(np.argmax(block.valid[:, column]))


def _choose_splits(block: _Block, seed: int) -> list[_Split]:
    """Split the strong performers forward and the weakest growth stock in reverse."""
    rng = _keyed_rng(seed, "splits")
    history, growth = block.valid.sum(axis=0), block.returns.sum(axis=0)
    eligible = [
        c
        for c, m in enumerate(block.members)
        if history[c] >= _MIN_SPLIT_HISTORY and m.profile is not _BOND_ETF
    ]
    forward = _forward_splits(rng, block, sorted(eligible, key=lambda c: (-growth[c], c)))
    taken = {split.column for split in forward}
    laggards = [c for c in eligible if c not in taken and block.members[c].profile is _GROWTH_STOCK]
    if not laggards:
        return forward
    return [*forward, _reverse_split(block, min(laggards, key=lambda c: (growth[c], c)))]


def _forward_splits(rng: np.random.Generator, block: _Block, ranked: list[int]) -> list[_Split]:
    wanted = round(len(ranked) * _SPLITS_PER_INSTRUMENT)
    count = min(_MAX_FORWARD_SPLITS, max(1, wanted)) if ranked else 0
    candidates = ranked[: 2 * count]
    splits = []
    for pick in sorted(rng.choice(len(candidates), size=count, replace=False).tolist()):
        column = candidates[pick]
        first, n_rows = _first_row(block, column), len(block.dates)
        row = int(rng.integers(first + 2 * (n_rows - first) // 5, n_rows - 5))
        ratio = _FORWARD_SPLITS[int(rng.choice(len(_FORWARD_SPLITS), p=_FORWARD_SPLIT_ODDS))]
        splits.append(_Split(column, row, *ratio))
    return splits


def _reverse_split(block: _Block, column: int) -> _Split:
    """Consolidate the shares the session after the stock's lowest close."""
    first, n_rows = _first_row(block, column) + 20, len(block.dates) - 21
    closes = np.cumsum(block.returns[:, column])
    low = first + int(np.argmin(closes[first:n_rows]))
    return _Split(column, low + 1, *_REVERSE_SPLIT)


def _dividend_rows(member: _Member, dates: DateArray) -> IntArray:
    """Return the rows of the member's ex-dividend days: its payment months, on its day."""
    step = 12 // member.profile.payments_per_year
    first_year, last_year = dates[[0, -1]].astype("datetime64[Y]").astype(np.int64)
    years = np.arange(first_year, last_year + 1)
    months = np.arange(member.traits.dividend_month, 12, step)
    month_index = (years[:, np.newaxis] * 12 + months[np.newaxis, :]).ravel()
    targets = month_index.astype("datetime64[M]").astype("datetime64[D]")
    targets = targets + np.timedelta64(member.traits.dividend_day - 1, "D")
    return np.unique(np.searchsorted(dates, targets[targets <= dates[-1]]))


def _payout_fractions(block: _Block, splits: list[_Split]) -> FloatArray:
    """Return the fraction of the previous close paid out on each (ex-date row, column)."""
    payouts = np.zeros_like(block.returns)
    for column, member in enumerate(block.members):
        if member.traits.dividend_yield > 0:
            rows = _dividend_rows(member, block.dates)
            rows = rows[(rows > _first_row(block, column)) & block.valid[rows, column]]
            payouts[rows, column] = member.traits.dividend_yield / member.profile.payments_per_year
    for split in splits:
        payouts[split.row, split.column] = 0.0
    return payouts


def _adjusted_bars(block: _Block, payouts: FloatArray) -> tuple[OhlcPaths, FloatArray]:
    """Price the split-adjusted bars, ending at each member's level, and their volumes."""
    shocks = np.stack([m.bar_shocks for m in block.members], axis=-1)
    gaps = overnight_gaps(block.returns, block.volatility, shocks[0], block.bar_shape)
    close_returns = deduct_payouts(block.returns, payouts)
    levels = np.array([m.traits.level for m in block.members])
    initial = levels * np.exp(-close_returns.sum(axis=0))
    excursions = (shocks[1], shocks[2])
    ohlc = ohlc_from_returns(
        close_returns,
        deduct_payouts(gaps, payouts),
        excursions,
        block.volatility,
        initial,
        block.bar_shape.range_scale,
    )
    base = np.array([m.traits.dollar_volume / m.traits.level for m in block.members])
    noise = autoregressive_noise(shocks[3], _VOLUME_PERSISTENCE)
    volume = trading_volume(
        base, block.returns, block.volatility, noise, _VOLUME_NOISE, _VOLUME_SENSITIVITY
    )
    return ohlc, volume


def _split_factors(block: _Block, splits: list[_Split]) -> FloatArray:
    """Return, per bar, the product of the ratios of the splits still ahead of it."""
    factors = np.ones_like(block.returns)
    for split in splits:
        factors[: split.row, split.column] *= split.split_to / split.split_from
    return factors


_Rows = dict[str, npt.NDArray[np.generic]]


def _price(block: _Block, splits: list[_Split]) -> tuple[_Rows, _Rows]:
    """Return the block's raw bar rows and corporate-action rows."""
    if block.valid.size == 0:
        nothing = np.zeros(block.valid.shape)
        empty = OhlcPaths(nothing, nothing, nothing, nothing)
        return _bar_rows(block, empty, nothing), _action_rows(block, [], nothing, nothing)
    payouts = _payout_fractions(block, splits)
    ohlc, volume = _adjusted_bars(block, payouts)
    factors = _split_factors(block, splits)
    raw = OhlcPaths(*(prices * factors for prices in (ohlc.open, ohlc.high, ohlc.low, ohlc.close)))
    raw_volume = volume / factors
    if block.bar_shape is _EXCHANGE_BARS:
        raw_volume = np.rint(raw_volume)  # exchanges report whole shares
    return _bar_rows(block, raw, raw_volume), _action_rows(block, splits, payouts, raw.close)


def _bar_rows(block: _Block, ohlc: OhlcPaths, volume: FloatArray) -> _Rows:
    by_member = block.valid.T
    return {
        "rank": np.repeat(block.ranks, by_member.sum(axis=1)),
        "day": np.broadcast_to(block.dates, by_member.shape)[by_member],
        "open": ohlc.open.T[by_member],
        "high": ohlc.high.T[by_member],
        "low": ohlc.low.T[by_member],
        "close": ohlc.close.T[by_member],
        "volume": volume.T[by_member],
    }


def _action_rows(
    block: _Block, splits: list[_Split], payouts: FloatArray, raw_close: FloatArray
) -> _Rows:
    columns, rows = np.nonzero(payouts.T)
    split_columns = np.array([s.column for s in splits], dtype=np.intp)
    split_rows = np.array([s.row for s in splits], dtype=np.intp)
    nothing = np.full(len(rows), np.nan)
    return {
        "rank": np.concatenate([block.ranks[columns], block.ranks[split_columns]]),
        "day": np.concatenate([block.dates[rows], block.dates[split_rows]]),
        "action": np.repeat(np.arange(len(_ACTIONS)), [len(rows), len(splits)]),
        "split_from": np.concatenate([nothing, [s.split_from for s in splits]]),
        "split_to": np.concatenate([nothing, [s.split_to for s in splits]]),
        "cash_amount": np.concatenate(
            [payouts[rows, columns] * raw_close[rows - 1, columns], np.full(len(splits), np.nan)]
        ),
    }


def _joined(parts: list[_Rows], order_keys: tuple[str, ...]) -> _Rows:
    """Concatenate row sets and sort them stably by `order_keys`, most significant first."""
    rows = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    order = np.lexsort(tuple(rows[key] for key in reversed(order_keys)))
    return {key: values[order] for key, values in rows.items()}


def _text(vocabulary: Sequence[str], codes: npt.NDArray[np.generic]) -> pd.Index:
    """Return the strings that `codes` pick out of `vocabulary` (fast for millions of rows)."""
    return pd.Index(list(vocabulary), dtype="str").take(codes.astype(np.intp))


def _constant_text(value: str, count: int) -> pd.Index:
    return _text([value], np.zeros(count, dtype=np.intp))


def _bars_frame(symbols: list[str], parts: list[_Rows]) -> pd.DataFrame:
    # each part is already sorted by (rank, day) and parts hold disjoint ranks
    rows = _joined(parts, ("rank",))
    count = len(rows["rank"])
    columns = {
        "symbol": _text(symbols, rows["rank"]),
        "interval": _constant_text(BAR_INTERVAL, count),
        "ts": pd.DatetimeIndex(rows["day"].astype("datetime64[ns]")).tz_localize("UTC"),
        **{key: rows[key].astype(np.float64) for key in ("open", "high", "low", "close")},
        "volume": rows["volume"].astype(np.float64),
        "source": _constant_text(SAMPLE_SOURCE, count),
    }
    return pd.DataFrame(columns, columns=list(BAR_COLUMNS))


def _actions_frame(symbols: list[str], parts: list[_Rows]) -> pd.DataFrame:
    rows = _joined(parts, ("rank", "day"))
    count = len(rows["rank"])
    columns = {
        "symbol": _text(symbols, rows["rank"]),
        "ex_date": pd.DatetimeIndex(rows["day"].astype("datetime64[ns]")),
        "action": _text(_ACTIONS, rows["action"]),
        **{key: rows[key].astype(np.float64) for key in ("split_from", "split_to", "cash_amount")},
        "currency": _constant_text("USD", count),
        "source": _constant_text(SAMPLE_SOURCE, count),
    }
    return pd.DataFrame(columns, columns=list(CORPORATE_ACTION_COLUMNS))
