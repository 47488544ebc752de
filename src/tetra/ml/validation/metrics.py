"""Signal metrics per decision day across symbols, then summarised over days.

IC is the day's Pearson correlation of predictions with forward returns across symbols,
rank IC the Spearman one (Pearson of the ranks); pooling every row into one correlation
would hide how the signal varies over time. Hit rate: the share of symbols whose prediction
and forward return fall on the same side of the day's cross-sectional median. Top minus
bottom: the mean forward return of the top prediction quantile minus the bottom one's. A day
counts when at least `min_symbols` symbols have both numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

MIN_SYMBOLS = 5
QUANTILES = 5
TRADING_DAYS = 252


@dataclass(frozen=True)
class SignalSummary:
    """Means over days of the daily metrics; `icir` is mean IC over its standard deviation."""

    days: int
    ic: float
    ic_std: float
    icir: float
    ic_t_stat: float
    rank_ic: float
    rank_icir: float
    hit_rate: float
    top_minus_bottom: float
    top_minus_bottom_annual: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def daily_metrics(
    predictions: np.ndarray,
    forward: np.ndarray,
    *,
    quantiles: int = QUANTILES,
    min_symbols: int = MIN_SYMBOLS,
) -> pd.DataFrame:
    """Return per day (row) the IC, rank IC, hit rate, top-minus-bottom return and count."""
    usable = np.isfinite(predictions) & np.isfinite(forward)
    rows = [
        _one_day(predictions[t, usable[t]], forward[t, usable[t]], quantiles)
        if usable[t].sum() >= min_symbols
        else (np.nan, np.nan, np.nan, np.nan, int(usable[t].sum()))
        for t in range(predictions.shape[0])
    ]
    return pd.DataFrame(rows, columns=["ic", "rank_ic", "hit_rate", "top_minus_bottom", "count"])


def summarise(daily: pd.DataFrame, horizon: int) -> SignalSummary:
    """Summarise daily metrics; the annualised spread assumes non-overlapping `horizon` holds."""
    valid = daily.dropna(subset=["ic"])
    ic, rank_ic = valid["ic"], valid["rank_ic"]
    ic_std = float(ic.std(ddof=1)) if len(ic) > 1 else float("nan")
    spread = float(valid["top_minus_bottom"].mean())
    return SignalSummary(
        days=len(valid),
        ic=float(ic.mean()),
        ic_std=ic_std,
        icir=_ratio(float(ic.mean()), ic_std),
        ic_t_stat=_ratio(float(ic.mean()), ic_std) * np.sqrt(len(ic)),
        rank_ic=float(rank_ic.mean()),
        rank_icir=_ratio(float(rank_ic.mean()), float(rank_ic.std(ddof=1))),
        hit_rate=float(valid["hit_rate"].mean()),
        top_minus_bottom=spread,
        top_minus_bottom_annual=spread * TRADING_DAYS / horizon,
    )


def _one_day(
    predicted: np.ndarray, realised: np.ndarray, quantiles: int
) -> tuple[float, float, float, float, int]:
    ic = _pearson(predicted, realised)
    rank_ic = _pearson(_ranks(predicted), _ranks(realised))
    same_side = np.sign(predicted - np.median(predicted)) == np.sign(realised - np.median(realised))
    return (
        ic,
        rank_ic,
        float(same_side.mean()),
        _spread(predicted, realised, quantiles),
        len(predicted),
    )


def _spread(predicted: np.ndarray, realised: np.ndarray, quantiles: int) -> float:
    order = np.argsort(predicted, kind="stable")
    size = max(1, len(order) // quantiles)
    return float(realised[order[-size:]].mean() - realised[order[:size]].mean())


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    scale = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    return float((dx * dy).sum() / scale) if scale > 0 else float("nan")


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank (scipy's rankdata, without its import)."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(first)
    stops = np.r_[starts[1:], len(values)]
    ranks = np.empty(len(values))
    ranks[order] = ((starts + 1 + stops) / 2.0)[np.cumsum(first) - 1]
    return ranks


def _ratio(mean: float, std: float) -> float:
    return mean / std if std and np.isfinite(std) and std > 0 else float("nan")
