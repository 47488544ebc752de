"""Cross-sectional feature kinds: a feature's rank among all symbols, or within each group.

Ranks at row t compare the values of row t only, so they are as causal as the feature they
rank. Ranks are percentiles in (0, 1] (ties share their average rank); a symbol without a
value that day has none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tetra.ml.features.kinds import FeatureContext, register_kind
from tetra.ml.features.spec import Param


def universe_rank(context: FeatureContext, /, of: Param) -> np.ndarray:
    """Percentile rank of feature `of` among every symbol with a value that day."""
    values = pd.DataFrame(context.resolve(str(of)))
    return values.rank(axis=1, pct=True).to_numpy(dtype=np.float64)


def group_rank(context: FeatureContext, /, of: Param) -> np.ndarray:
    """Percentile rank of feature `of` among the symbols of the same group that day."""
    values = context.resolve(str(of))
    groups = np.array([context.inputs.groups.get(s, "other") for s in context.panel.symbols])
    ranked = np.full(values.shape, np.nan)
    for group in np.unique(groups):
        columns = np.flatnonzero(groups == group)
        block = pd.DataFrame(values[:, columns]).rank(axis=1, pct=True)
        ranked[:, columns] = block.to_numpy(dtype=np.float64)
    return ranked


register_kind("rank", universe_rank)
register_kind("group_rank", group_rank)
