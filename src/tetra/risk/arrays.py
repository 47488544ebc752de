"""A `RiskPolicy` as plain numeric arrays, for numba kernels that check limits per bar.

`policy_arrays(policy, symbols)` lays a policy out over a fixed symbol order. Conventions:

- per-limit arrays have length ``len(LIMIT_KINDS)`` and are indexed by `LimitKind.code`;
- a limit that is not set has cap ``inf`` (it can never be breached);
- group, theme and asset-class caps are *buckets*: row b of `bucket_members` (B x N, 0/1)
  marks the symbols in bucket b, `bucket_cap[b]` caps their summed |weight| and
  `bucket_kind[b]` says which `LimitKind` the bucket belongs to; `bucket_labels` names them;
- trading states are `TradingState.code` (0 active, 1 reducing, 2 halted).

The measures themselves (`tetra.risk.measures`) are numba functions over these arrays, so a
compiled kernel and the Python paths evaluate limits with the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from tetra.data.universe import Universe
from tetra.model.instruments import Instrument
from tetra.risk.policy import RiskPolicy, packaged_universe
from tetra.risk.vocabulary import LIMIT_KINDS, LimitKind


class PolicyArrays(NamedTuple):
    """A policy over N symbols as float64/int64 arrays (numba takes a NamedTuple as is).

    Fields:
        position_cap: (N,) max |weight| per symbol.
        bucket_members: (B, N) 1.0 where the symbol belongs to bucket b.
        bucket_cap: (B,) cap on the bucket's summed |weight|.
        bucket_kind: (B,) `LimitKind.code` of the bucket (group, theme or asset class).
        limit_cap: (K,) scalar cap per limit: gross and net leverage, correlated weight,
            daily loss and drawdown fractions; ``inf`` for the per-symbol and bucket limits,
            whose caps live in `position_cap` and `bucket_cap`.
        corr_threshold: correlation at or above which two holdings count as one bet.
        corr_window: bars of returns the correlation is measured over (0 when unset).
        response: (K,) state code a tripped limit moves the book to.
        persistence: (K,) consecutive breached checks before the limit trips.
        latch: (K,) 1 if a tripped limit holds until reset, 0 if it clears when met.
    """

    position_cap: np.ndarray
    bucket_members: np.ndarray
    bucket_cap: np.ndarray
    bucket_kind: np.ndarray
    limit_cap: np.ndarray
    corr_threshold: float
    corr_window: int
    response: np.ndarray
    persistence: np.ndarray
    latch: np.ndarray


class BucketLabel(NamedTuple):
    """Which limit a bucket row belongs to and its name (group, theme or asset class)."""

    kind: LimitKind
    name: str


def bucket_labels(policy: RiskPolicy) -> tuple[BucketLabel, ...]:
    """Return the buckets in row order: groups, then themes, then asset classes."""
    return (
        *(BucketLabel(LimitKind.GROUP_EXPOSURE, str(g)) for g in policy.group_caps),
        *(BucketLabel(LimitKind.THEME_EXPOSURE, t) for t in policy.theme_caps),
        *(BucketLabel(LimitKind.ASSET_CLASS_EXPOSURE, str(c)) for c in policy.asset_class_caps),
    )


def bucket_caps(policy: RiskPolicy) -> tuple[float, ...]:
    """Return each bucket's cap, in `bucket_labels` order."""
    return tuple(_bucket_cap(policy, label) for label in bucket_labels(policy))


def policy_arrays(
    policy: RiskPolicy, symbols: Sequence[str], universe: Universe | None = None
) -> PolicyArrays:
    """Lay `policy` out over `symbols` (in that order); see the module docstring.

    A symbol the universe does not know belongs to no bucket; `unclassified` lists them.
    """
    universe = universe or packaged_universe()
    labels = bucket_labels(policy)
    members = np.zeros((len(labels), len(symbols)))
    for column, symbol in enumerate(symbols):
        if symbol in universe:
            members[:, column] = _membership(labels, universe.get(symbol))
    weight_cap = policy.max_position_weight or np.inf
    return PolicyArrays(
        position_cap=np.full(len(symbols), weight_cap, dtype=np.float64),
        bucket_members=members,
        bucket_cap=np.array(bucket_caps(policy), dtype=np.float64),
        bucket_kind=np.array([label.kind.code for label in labels], dtype=np.int64),
        limit_cap=_limit_caps(policy),
        corr_threshold=policy.correlation.threshold if policy.correlation else np.inf,
        corr_window=policy.correlation.window if policy.correlation else 0,
        response=np.array([policy.response(k).code for k in LIMIT_KINDS], dtype=np.int64),
        persistence=np.array([policy.persistence_of(k) for k in LIMIT_KINDS], dtype=np.int64),
        latch=np.array([int(policy.latched(k)) for k in LIMIT_KINDS], dtype=np.int64),
    )


def unclassified(symbols: Sequence[str], universe: Universe | None = None) -> tuple[str, ...]:
    """Return the symbols the universe does not know (they fall in no group/theme/class cap)."""
    known = universe or packaged_universe()
    return tuple(symbol for symbol in symbols if symbol not in known)


def _membership(labels: Sequence[BucketLabel], instrument: Instrument) -> np.ndarray:
    return np.array([float(belongs(instrument, label)) for label in labels])


def belongs(instrument: Instrument, label: BucketLabel) -> bool:
    """Whether `instrument` falls in the bucket `label` (its group, a theme, or its class)."""
    if label.kind is LimitKind.GROUP_EXPOSURE:
        return instrument.group == label.name
    if label.kind is LimitKind.THEME_EXPOSURE:
        return label.name in instrument.themes
    return instrument.asset_class == label.name


def _bucket_cap(policy: RiskPolicy, label: BucketLabel) -> float:
    caps: dict[LimitKind, dict[str, float]] = {
        LimitKind.GROUP_EXPOSURE: {str(k): v for k, v in policy.group_caps.items()},
        LimitKind.THEME_EXPOSURE: dict(policy.theme_caps),
        LimitKind.ASSET_CLASS_EXPOSURE: {str(k): v for k, v in policy.asset_class_caps.items()},
    }
    return caps[label.kind][label.name]


def _limit_caps(policy: RiskPolicy) -> np.ndarray:
    caps = np.full(len(LIMIT_KINDS), np.inf)
    scalar = {
        LimitKind.GROSS_LEVERAGE: policy.max_gross_leverage,
        LimitKind.NET_LEVERAGE: policy.max_net_leverage,
        LimitKind.CORRELATED_WEIGHT: policy.correlation.cap if policy.correlation else None,
        LimitKind.DAILY_LOSS: policy.daily_loss_limit,
        LimitKind.DRAWDOWN: policy.max_drawdown,
    }
    for kind, cap in scalar.items():
        if cap is not None:
            caps[kind.code] = cap
    return caps
