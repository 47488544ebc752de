"""Shared factors of the sample universe and how each member's returns load on them.

Map of the module:
- `simulate_daily` is the entry point: it gathers each member's exposures (the market, its
  broad factor, its theme and sector groups), simulates every factor on the calendar grid with
  correlated core shocks, adds each member's own GARCH moves, and combines them.
- Exchange-traded members hear only part of the news on days the exchange is shut.

Every factor draws from a generator keyed on its name, so adding a group leaves others unchanged.
"""

from __future__ import annotations

import math

import numpy as np

from tetra.model.instruments import Instrument
from tetra.sample.members import Member, Window, keyed_rng, periods_per_year
from tetra.sample.profiles import CORE_FACTORS, CRYPTO, MARKET, RATES
from tetra.simulation.stochastic import (
    FloatArray,
    GarchParameters,
    GarchPaths,
    combine_factor_variances,
    combine_factors,
    correlate_innovations,
    garch_paths,
    standardised_student_t,
    volatility_regime,
)

_CORE_VOLATILITY = {MARKET: 0.16, RATES: 0.06, CRYPTO: 0.60}
_CORE_CORRELATION = np.array([[1.0, -0.25, 0.3], [-0.25, 1.0, 0.0], [0.3, 0.0, 1.0]])
_GROUP_VOLATILITY, _CRYPTO_GROUP_VOLATILITY = 0.15, 0.30
# alpha^2 E[z^4] + 2 alpha beta + beta^2 < 1: the factors' returns keep a finite kurtosis
_FACTOR_ALPHA, _FACTOR_PERSISTENCE, _FACTOR_FREEDOM = 0.06, 0.98, 7.0
# Conditional variance caps, as multiples of the long-run variance: a market at 4x its usual
# volatility is a 2008 or 2020 crash; a member's own volatility, even swollen by its factor's
# regime, rarely more than doubles (the cap bounds the product, so two peaks cannot compound).
_FACTOR_VARIANCE_CAP, _IDIOSYNCRATIC_VARIANCE_CAP = 16.0, 4.0

_Exposures = dict[str, float]


def simulate_daily(
    members: list[Member], window: Window, seed: int
) -> tuple[FloatArray, FloatArray]:
    """Return log returns and conditional variances, (calendar day, member), without drift."""
    exposures = [_exposures(m) for m in members]
    keys = [*CORE_FACTORS, *sorted({k for e in exposures for k in e} - set(CORE_FACTORS))]
    factors, regimes = _simulate_factors(keys, window, seed)
    anchors = [CORE_FACTORS.index(m.profile.broad_factor or MARKET) for m in members]
    idiosyncratic = _simulate_idiosyncratic(members, exposures, window, regimes[:, anchors])
    loadings = _loadings(exposures, keys)
    return (
        combine_factors(factors.returns, loadings, idiosyncratic.returns),
        combine_factor_variances(factors.volatility**2, loadings, idiosyncratic.volatility**2),
    )


def _group_keys(instrument: Instrument) -> tuple[str | None, str | None]:
    prefix = "crypto-" if instrument.trades_every_day else ""
    theme = f"{prefix}theme:{instrument.themes[0]}" if instrument.themes else None
    sector = f"{prefix}sector:{instrument.sector}" if instrument.sector else None
    return theme, sector


def _exposures(member: Member) -> _Exposures:
    """Return the member's loading on each factor it is exposed to."""
    exposures = {MARKET: member.traits.market_beta}
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
    return factor_key.startswith(CRYPTO)


def _loadings(exposures: list[_Exposures], keys: list[str]) -> FloatArray:
    """Return the (factor, member) loading matrix."""
    row_of = {key: row for row, key in enumerate(keys)}
    loadings = np.zeros((len(keys), len(exposures)))
    for column, member_exposures in enumerate(exposures):
        for key, loading in member_exposures.items():
            loadings[row_of[key], column] = loading
    return loadings


def _activity(every_day: list[bool], window: Window) -> FloatArray:
    """Return how much of a day's news reaches each column: all of it when it trades that day."""
    return np.where(np.array(every_day, dtype=bool), 1.0, window.market_activity()[:, None])


def _simulate_factors(keys: list[str], window: Window, seed: int) -> tuple[GarchPaths, FloatArray]:
    """Return the factors' paths and the volatility regimes of the three core factors."""
    shape = (len(window.days),)
    core = standardised_student_t(keyed_rng(seed, "factor:core"), _FACTOR_FREEDOM, (*shape, 3))
    groups = [
        standardised_student_t(keyed_rng(seed, f"factor:{key}"), _FACTOR_FREEDOM, shape)
        for key in keys[len(CORE_FACTORS) :]
    ]
    innovations = np.column_stack([correlate_innovations(core, _CORE_CORRELATION), *groups])
    every_day = [_trades_every_day(k) for k in keys]
    per_step = [
        _factor_volatility(k) / math.sqrt(periods_per_year(e))
        for k, e in zip(keys, every_day, strict=True)
    ]
    parameters = GarchParameters.from_volatility(
        per_step, _FACTOR_ALPHA, _FACTOR_PERSISTENCE, _FACTOR_FREEDOM, _FACTOR_VARIANCE_CAP
    )
    paths = garch_paths(innovations, parameters)
    regimes = volatility_regime(paths, parameters)[:, : len(CORE_FACTORS)]
    return _scaled(paths, _activity(every_day, window)), regimes


def _simulate_idiosyncratic(
    members: list[Member],
    exposures: list[_Exposures],
    window: Window,
    regimes: FloatArray,
) -> GarchPaths:
    """Simulate each member's own moves; they swell and calm with its broad factor's regime."""
    every_day = [m.instrument.trades_every_day for m in members]
    annual = _idiosyncratic_volatility(members, exposures)
    periods = np.array([periods_per_year(e) for e in every_day], dtype=np.float64)
    parameters = GarchParameters.from_volatility(
        annual / np.sqrt(periods),
        [m.traits.garch_alpha for m in members],
        [m.traits.garch_persistence for m in members],
        [m.traits.degrees_of_freedom for m in members],
        _IDIOSYNCRATIC_VARIANCE_CAP,
    )
    innovations = np.ascontiguousarray(np.array([m.innovations for m in members]).T)
    innovations = innovations.reshape(len(window.days), -1)
    return _scaled(garch_paths(innovations, parameters, regimes), _activity(every_day, window))


def _idiosyncratic_volatility(members: list[Member], exposures: list[_Exposures]) -> FloatArray:
    """Return the annual own volatility that tops each member's factors up to its target."""
    systematic = np.array(
        [
            sum((loading * _factor_volatility(key)) ** 2 for key, loading in e.items())
            for e in exposures
        ]
    )
    target = np.array([m.traits.volatility for m in members])
    floor = np.array([m.profile.idiosyncratic_floor for m in members]) * target
    annual: FloatArray = np.sqrt(np.maximum(target**2 - systematic, floor**2))
    return annual


def _scaled(paths: GarchPaths, scale: FloatArray) -> GarchPaths:
    return GarchPaths(paths.returns * scale, paths.volatility * scale)
