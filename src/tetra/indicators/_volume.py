"""Volume indicators: on-balance volume and VWAP."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tetra.indicators._arrays import Values, as_arrays, check_period, like, on_columns_single
from tetra.indicators.nb import volume as volume_nb


def obv(close: Values, volume: Values) -> Values:
    """Compute on-balance volume, starting from the first bar's volume (TA-Lib OBV)."""
    return like(close, on_columns_single(volume_nb.obv_nb, as_arrays(close, volume)))


def vwap(
    price: Values,
    volume: Values,
    period: int | None = None,
    anchors: npt.ArrayLike | None = None,
) -> Values:
    """Compute the volume-weighted average price of `price`, rolling or anchored.

    Pass the typical price, (high + low + close) / 3, for the classic definition.
    With `period`, a rolling VWAP over the last `period` bars. Without it, an anchored
    (cumulative) VWAP from the first complete bar, restarting at each row where the
    boolean `anchors` (one per row, e.g. session opens) is true. NaN where no volume
    has traded in the window.
    """
    arrays = as_arrays(price, volume)
    if period is not None:
        if anchors is not None:
            raise ValueError("anchors apply to the anchored VWAP only; drop period or anchors")
        check_period("period", period, 1)
        return like(price, on_columns_single(volume_nb.rolling_vwap_nb, arrays, period))
    flags = np.zeros(arrays[0].shape[0], dtype=np.bool_)
    if anchors is not None:
        flags = np.ascontiguousarray(anchors, dtype=np.bool_)
        if flags.shape != (arrays[0].shape[0],):
            raise ValueError(f"anchors need one flag per row, got shape {flags.shape}")
    return like(price, on_columns_single(volume_nb.anchored_vwap_nb, arrays, flags))
