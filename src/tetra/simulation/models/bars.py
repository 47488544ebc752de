"""Bars from simulated moves: how a close-to-close move unfolds in a bar, and its volume.

`BarProfile.fit` measures, per symbol, from the history: the share of the move that
happens overnight (the regression slope of the gap on the move) and the noise around it,
how far highs and lows reach beyond the open/close body (in units of the day's
volatility), and how volume depends on the size of the move (log volume regressed on
the absolute standardised move, with AR(1) noise). `bars` turns simulated log moves and
their per-step volatility into a `MarketData` panel with these shapes; every bar satisfies
``0 < low <= min(open, close) <= max(open, close) <= high`` and volume follows the
calibrated level. Split ratios are 1 and dividends 0: simulated prices are total-return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tetra.market import Adjustment, MarketData
from tetra.simulation.models.history import History, HistoryInfo
from tetra.simulation.stochastic import autoregressive_noise, ohlc_from_returns

_TINY = 1e-12


@dataclass(frozen=True, eq=False)
class BarProfile:
    """Per-symbol bar shape and volume parameters (see the module docstring)."""

    gap_share: np.ndarray
    gap_noise: np.ndarray
    reach_up: np.ndarray
    reach_down: np.ndarray
    log_volume: np.ndarray  # intercept of log volume
    volume_activity: np.ndarray  # slope on |standardised move|
    volume_noise: np.ndarray  # std of the AR(1) residual
    volume_persistence: float  # AR(1) coefficient, one for all symbols (the median)

    @classmethod
    def fit(cls, history: History) -> BarProfile:
        """Measure the profile of every symbol of `history`."""
        move, sigma = history.move, _sigma(history.move)
        centred = move - move.mean(axis=0)
        share = np.clip((history.gap * centred).mean(axis=0) / sigma**2, 0.0, 1.0)
        body_high = np.maximum(history.gap, move)
        body_low = np.minimum(history.gap, move)
        intercept, slope, residual = _volume_regression(history.volume, np.abs(centred) / sigma)
        return cls(
            gap_share=share,
            gap_noise=(history.gap - share * move).std(axis=0) / sigma,
            reach_up=np.maximum(history.reach_up - body_high, 0.0).mean(axis=0) / sigma,
            reach_down=np.maximum(body_low - history.reach_down, 0.0).mean(axis=0) / sigma,
            log_volume=intercept,
            volume_activity=slope,
            volume_noise=residual.std(axis=0),
            volume_persistence=_persistence(residual),
        )

    def parameters(self) -> dict[str, np.ndarray]:
        """Return the per-symbol numbers by name, for calibration reports."""
        return {
            "gap_share": self.gap_share,
            "gap_noise": self.gap_noise,
            "reach_up": self.reach_up,
            "reach_down": self.reach_down,
            "mean_volume": np.exp(self.log_volume + 0.5 * self.volume_noise**2),
        }


def bars(
    info: HistoryInfo,
    profile: BarProfile,
    moves: np.ndarray,
    volatility: np.ndarray,
    rng: np.random.Generator,
) -> MarketData:
    """Build the bars that follow `info`'s last close from log `moves` (steps, symbols).

    `volatility` (same shape, or broadcastable) is each step's standard deviation: it
    scales the gap noise, the reach of highs and lows and the volume's activity term.
    """
    steps, symbols = moves.shape
    scale = np.broadcast_to(volatility, moves.shape)
    gap = profile.gap_share * moves + profile.gap_noise * scale * rng.standard_normal(moves.shape)
    up = rng.standard_exponential(moves.shape) * profile.reach_up
    down = rng.standard_exponential(moves.shape) * profile.reach_down
    prices = ohlc_from_returns(moves, gap, (up, down), scale, info.last_close, 1.0)
    surprise = np.abs(moves - moves.mean(axis=0)) / np.maximum(scale, _TINY)
    noise = autoregressive_noise(rng.standard_normal(moves.shape), profile.volume_persistence)
    log_volume = (
        profile.log_volume + profile.volume_activity * surprise + profile.volume_noise * noise
    )
    ones, zeros = np.ones((steps, symbols)), np.zeros((steps, symbols))
    return MarketData(
        info.future_dates(steps),
        info.symbols,
        prices.open,
        prices.high,
        prices.low,
        prices.close,
        np.exp(log_volume),
        ones,
        zeros,
        adjustment=Adjustment.TOTAL_RETURN,
    )


def _sigma(move: np.ndarray) -> np.ndarray:
    sigma: np.ndarray = np.maximum(move.std(axis=0), _TINY)
    return sigma


def _volume_regression(
    volume: np.ndarray, surprise: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regress log volume on the surprise, per symbol; return intercept, slope, residual."""
    log_volume = np.log(np.maximum(volume, 1.0))
    x = surprise - surprise.mean(axis=0)
    slope = (x * (log_volume - log_volume.mean(axis=0))).sum(axis=0) / np.maximum(
        (x**2).sum(axis=0), _TINY
    )
    intercept = log_volume.mean(axis=0) - slope * surprise.mean(axis=0)
    residual = log_volume - intercept - slope * surprise
    return intercept, slope, residual


def _persistence(residual: np.ndarray) -> float:
    """Return the median lag-1 autocorrelation of the residuals, within [0, 0.99]."""
    centred = residual - residual.mean(axis=0)
    numerator = (centred[1:] * centred[:-1]).sum(axis=0)
    denominator = np.maximum((centred**2).sum(axis=0), _TINY)
    return float(np.clip(np.median(numerator / denominator), 0.0, 0.99))
