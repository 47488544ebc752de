"""Pricing of the sample universe: a block's returns become raw bars and corporate-action rows.

The continuous split-adjusted path comes first, ending at each member's drawn level with its
dividends deducted on their ex-dates; raw prices multiply it by the ratios of the splits still
ahead of each bar and raw volumes divide by them.
"""

from __future__ import annotations

import numpy as np

from tetra.sample.blocks import EXCHANGE_BARS, Block, Rows
from tetra.sample.corporate_actions import (
    BlockSplit,
    action_rows,
    payout_fractions,
    split_factors,
)
from tetra.simulation.stochastic import (
    FloatArray,
    OhlcPaths,
    autoregressive_noise,
    deduct_payouts,
    ohlc_from_returns,
    overnight_gaps,
    trading_volume,
)

_VOLUME_PERSISTENCE, _VOLUME_NOISE, _VOLUME_SENSITIVITY = 0.7, 0.3, 0.6


def price(block: Block, splits: list[BlockSplit]) -> tuple[Rows, Rows]:
    """Return the block's raw bar rows and corporate-action rows."""
    if block.valid.size == 0:
        nothing = np.zeros(block.valid.shape)
        empty = OhlcPaths(nothing, nothing, nothing, nothing)
        return _bar_rows(block, empty, nothing), action_rows(block, [], nothing, nothing)
    payouts = payout_fractions(block, splits)
    ohlc, volume = _adjusted_bars(block, payouts)
    factors = split_factors(block, splits)
    raw = OhlcPaths(*(prices * factors for prices in (ohlc.open, ohlc.high, ohlc.low, ohlc.close)))
    raw_volume = volume / factors
    if block.bar_shape is EXCHANGE_BARS:
        raw_volume = np.rint(raw_volume)  # exchanges report whole shares
    return _bar_rows(block, raw, raw_volume), action_rows(block, splits, payouts, raw.close)


def _adjusted_bars(block: Block, payouts: FloatArray) -> tuple[OhlcPaths, FloatArray]:
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
    return ohlc, _adjusted_volume(block, shocks[3])


def _adjusted_volume(block: Block, volume_shocks: FloatArray) -> FloatArray:
    """Return split-adjusted volumes around each member's dollar volume at its level."""
    base = np.array([m.traits.dollar_volume / m.traits.level for m in block.members])
    noise = autoregressive_noise(volume_shocks, _VOLUME_PERSISTENCE)
    return trading_volume(
        base, block.returns, block.volatility, noise, _VOLUME_NOISE, _VOLUME_SENSITIVITY
    )


def _bar_rows(block: Block, ohlc: OhlcPaths, volume: FloatArray) -> Rows:
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
