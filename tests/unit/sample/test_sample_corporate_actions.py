"""Specifications of the sample universe's split ratios and dividend payouts."""

from __future__ import annotations

import numpy as np

from tetra.sample.blocks import EXCHANGE_BARS, Block
from tetra.sample.corporate_actions import BlockSplit, payout_fractions, split_factors


def _block(rows: int, columns: int) -> Block:
    """Build a block without members: enough for split arithmetic."""
    return Block(
        members=[],
        ranks=np.arange(columns, dtype=np.intp),
        dates=np.datetime64("2024-01-01", "D") + np.arange(rows),
        valid=np.ones((rows, columns), dtype=bool),
        returns=np.zeros((rows, columns)),
        volatility=np.zeros((rows, columns)),
        bar_shape=EXCHANGE_BARS,
    )


def test_split_factors_scale_only_the_bars_before_each_split() -> None:
    block = _block(rows=5, columns=2)
    splits = [BlockSplit(column=0, row=3, split_from=1.0, split_to=2.0)]

    factors = split_factors(block, splits)

    np.testing.assert_array_equal(factors[:, 0], [2.0, 2.0, 2.0, 1.0, 1.0])
    np.testing.assert_array_equal(factors[:, 1], np.ones(5))


def test_split_factors_multiply_the_ratios_of_every_split_still_ahead() -> None:
    block = _block(rows=4, columns=1)
    splits = [BlockSplit(0, 1, 1.0, 4.0), BlockSplit(0, 3, 10.0, 1.0)]

    factors = split_factors(block, splits)

    np.testing.assert_allclose(factors[:, 0], [0.4, 0.1, 0.1, 1.0])


def test_a_block_without_dividend_payers_pays_nothing() -> None:
    block = _block(rows=3, columns=0)

    assert payout_fractions(block, []).shape == (3, 0)
