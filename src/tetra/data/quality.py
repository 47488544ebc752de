"""Quality checks beyond the row invariants: time, staleness, and jumps against history.

`screen_bars` splits fresh bars into the ones to store and the ones to quarantine (with the
batch invariants from `tetra.data.batches` plus "timestamp in the future"), and returns
warnings about bars that are valid but suspicious: a close-to-close move or a volume far
outside the symbol's recent range. A warning never drops a bar: real markets do jump.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tetra.data.batches import partition_batch
from tetra.data.migrations import table

OHLCV = "market_data.ohlcv"


@dataclass(frozen=True, slots=True)
class QualityWarning:
    """A valid but suspicious observation, for the run report and the dashboard."""

    dataset: str
    symbol: str
    ts: dt.datetime | None
    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class Screened:
    """Bars to store, bars to quarantine (with a `reason` column), and warnings."""

    valid: pd.DataFrame
    rejected: pd.DataFrame
    warnings: list[QualityWarning] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class JumpLimits:
    """How far a close may move, or volume swell, before it is worth a warning.

    A move warns when its absolute log return exceeds both `min_move` and `sigmas` times the
    robust (median absolute deviation) volatility of the preceding `lookback` returns.
    """

    min_move: float = 0.25
    sigmas: float = 10.0
    volume_multiple: float = 20.0
    lookback: int = 60


Splits = dict[tuple[str, dt.date], float]  # (symbol, ex-date) -> new shares per old share


def screen_bars(
    bars: pd.DataFrame,
    history: pd.DataFrame,
    *,
    now: dt.datetime,
    limits: JumpLimits | None = None,
    splits: Splits | None = None,
) -> Screened:
    """Screen fresh `bars` against stored `history` (may be empty), splits accounted for."""
    parts = partition_batch(table(OHLCV), bars)
    valid = parts.valid.to_pandas()
    future = valid["ts"] > pd.Timestamp(now)
    rejected = pd.concat(
        [parts.rejected, valid[future].assign(reason="timestamp in the future")],
        ignore_index=True,
    )
    valid = valid[~future].reset_index(drop=True)
    warnings = jump_warnings(valid, history, limits or JumpLimits(), splits or {})
    return Screened(valid=valid, rejected=rejected, warnings=warnings)


def jump_warnings(
    bars: pd.DataFrame, history: pd.DataFrame, limits: JumpLimits, splits: Splits | None = None
) -> list[QualityWarning]:
    """Warn about closes and volumes far outside each symbol's recent behaviour.

    Prices and volumes are split-adjusted first, so a split's raw price drop is no jump.
    """
    if bars.empty:
        return []
    columns = ["symbol", "ts", "close", "volume"]
    known = history[columns] if not history.empty else None
    combined = pd.concat([known, bars[columns]], ignore_index=True)
    combined = combined.drop_duplicates(["symbol", "ts"], keep="last").sort_values(["symbol", "ts"])
    warnings: list[QualityWarning] = []
    for symbol, series in combined.groupby("symbol", sort=True):
        fresh = series["ts"].isin(bars.loc[bars["symbol"] == symbol, "ts"]).to_numpy()
        mine = {day: r for (name, day), r in (splits or {}).items() if name == symbol}
        warnings += _series_warnings(str(symbol), series, fresh, limits, mine)
    return warnings


def _series_warnings(
    symbol: str,
    series: pd.DataFrame,
    fresh: np.ndarray,
    limits: JumpLimits,
    splits: dict[dt.date, float],
) -> list[QualityWarning]:
    factor = _split_factor(series["ts"], splits)
    returns = np.log(series["close"].to_numpy() / factor)
    returns = np.concatenate(([np.nan], np.diff(returns)))
    volumes = pd.Series(series["volume"].to_numpy() * factor)
    scale = _robust_scale(pd.Series(returns), limits.lookback).to_numpy()
    median = volumes.rolling(limits.lookback, min_periods=5).median().shift(1).to_numpy()
    with np.errstate(invalid="ignore"):
        moved = (
            fresh
            & np.isfinite(returns)
            & (np.abs(returns) > np.maximum(limits.min_move, limits.sigmas * scale))
        )
        swelled = fresh & (median > 0) & (volumes.to_numpy() > limits.volume_multiple * median)
    stamps = series["ts"].to_numpy()
    warnings = [
        QualityWarning(
            OHLCV,
            symbol,
            pd.Timestamp(stamps[i]),
            "price_jump",
            f"close moved {np.expm1(returns[i]):+.1%} in one bar",
        )
        for i in np.flatnonzero(moved)
    ]
    warnings += [
        QualityWarning(
            OHLCV,
            symbol,
            pd.Timestamp(stamps[i]),
            "volume_jump",
            f"volume {volumes.iloc[i] / median[i]:.0f}x its recent median",
        )
        for i in np.flatnonzero(swelled)
    ]
    return warnings


def _split_factor(stamps: pd.Series, splits: dict[dt.date, float]) -> np.ndarray:
    """Return per row the product of the ratios of later splits (1 where none follow)."""
    factor = np.ones(len(stamps))
    if not splits:
        return factor
    days = pd.to_datetime(stamps).dt.tz_localize(None).dt.normalize().to_numpy()
    for day, ratio in splits.items():
        factor[days < np.datetime64(day)] *= ratio
    return factor


def _robust_scale(returns: pd.Series, lookback: int) -> pd.Series:
    deviation = (returns - returns.rolling(lookback, min_periods=5).median()).abs()
    mad = deviation.rolling(lookback, min_periods=5).median().shift(1)
    return (1.4826 * mad).fillna(np.inf)


def stale_warnings(
    last_seen: dict[str, dt.date], expected_last: dict[str, dt.date], *, dataset: str = OHLCV
) -> list[QualityWarning]:
    """Warn about symbols whose newest stored day is behind the newest expected session."""
    warnings = []
    for symbol, expected in sorted(expected_last.items()):
        seen = last_seen.get(symbol)
        if seen is None or seen < expected:
            detail = f"newest stored {seen or 'nothing'}, expected {expected}"
            warnings.append(QualityWarning(dataset, symbol, None, "stale", detail))
    return warnings
