"""Evaluate a policy's limits on a book: the Python front end of `tetra.risk.measures`.

`LimitEvaluator` binds a policy to a symbol order once (its `PolicyArrays`), then
`check(weights, equity_history, returns)` measures every limit with the same numba
functions a compiled kernel calls, and returns a `LimitCheck`: per limit, the worst
subject's value, cap and usage. `usage_table` lists every subject (each position, each
bucket), which is what reports and limit-usage gauges show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.data.universe import Universe
from tetra.risk.arrays import PolicyArrays, bucket_labels, policy_arrays
from tetra.risk.measures import (
    TOLERANCE,
    bucket_exposure_nb,
    clean_weights_nb,
    limit_usage_nb,
    usage_of,
)
from tetra.risk.policy import RiskPolicy
from tetra.risk.vocabulary import LIMIT_KINDS, LimitKind


@dataclass(frozen=True, slots=True)
class LimitReading:
    """One limit measured on one subject: `value` against `cap` (None when unset)."""

    kind: LimitKind
    subject: str
    value: float
    cap: float | None
    usage: float

    @property
    def breached(self) -> bool:
        """Whether the value exceeds the cap."""
        return self.usage > 1.0 + TOLERANCE

    def describe(self) -> str:
        """Return e.g. ``drawdown 16.20% > cap 15.00%`` or ``position_weight NVDA 12.0% ...``."""
        where = f" {self.subject}" if self.subject else ""
        relation = ">" if self.breached else "<="
        cap = "no cap" if self.cap is None else f"cap {self.cap:.2%}"
        return f"{self.kind}{where} {self.value:.2%} {relation} {cap}"


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """Every limit measured once, its worst subject per `LimitKind` (in `LIMIT_KINDS` order)."""

    readings: tuple[LimitReading, ...]

    def reading(self, kind: LimitKind) -> LimitReading:
        """Return the reading of `kind`."""
        return self.readings[kind.code]

    @property
    def breached(self) -> tuple[LimitReading, ...]:
        """Return the readings over their caps."""
        return tuple(reading for reading in self.readings if reading.breached)

    def breach_flags(self) -> np.ndarray:
        """Return 1/0 per limit (int64, (K,)), as `advance_limits_nb` takes them."""
        return np.array([int(reading.breached) for reading in self.readings], dtype=np.int64)


class LimitEvaluator:
    """A policy laid out over a fixed symbol order, ready to check books of those symbols."""

    def __init__(
        self, policy: RiskPolicy, symbols: Sequence[str], universe: Universe | None = None
    ) -> None:
        self.policy = policy
        self.symbols = tuple(symbols)
        self.arrays: PolicyArrays = policy_arrays(policy, self.symbols, universe)
        self.buckets = bucket_labels(policy)
        window = max(self.arrays.corr_window, 1)
        self._no_returns = np.full((window, len(self.symbols)), np.nan)

    def check(
        self,
        weights: np.ndarray,
        equity_history: Sequence[float] | np.ndarray,
        returns: np.ndarray | None = None,
    ) -> LimitCheck:
        """Measure every limit for `weights` (N,) given the equity so far (last = now).

        Daily loss is measured against the previous entry of `equity_history`, drawdown
        against its maximum; `returns` (W, N) feeds the correlation limit (when None, no
        pair counts as correlated).
        """
        w = self._weights(weights)
        equity = _equity(equity_history)
        previous = equity[-2] if equity.shape[0] > 1 else equity[-1]
        usage, value, subject = limit_usage_nb(
            w, equity[-1], previous, float(equity.max()), self._returns(returns), self.arrays
        )
        return LimitCheck(
            tuple(
                self._reading(kind, usage[kind.code], value[kind.code], int(subject[kind.code]))
                for kind in LIMIT_KINDS
            )
        )

    def usage_table(self, weights: np.ndarray) -> list[LimitReading]:
        """Return a reading per position and per bucket, for gauges and reports."""
        w = clean_weights_nb(self._weights(weights))
        rows = [
            LimitReading(
                LimitKind.POSITION_WEIGHT,
                symbol,
                abs(w[i]),
                _cap(self.arrays.position_cap[i]),
                usage_of(abs(w[i]), self.arrays.position_cap[i]),
            )
            for i, symbol in enumerate(self.symbols)
            if w[i] != 0.0
        ]
        exposure = bucket_exposure_nb(w, self.arrays.bucket_members)
        for b, label in enumerate(self.buckets):
            cap = float(self.arrays.bucket_cap[b])
            rows.append(
                LimitReading(label.kind, label.name, exposure[b], cap, usage_of(exposure[b], cap))
            )
        return rows

    def _reading(self, kind: LimitKind, usage: float, value: float, subject: int) -> LimitReading:
        return LimitReading(
            kind, self._subject(kind, subject), float(value), self._cap(kind, subject), float(usage)
        )

    def _subject(self, kind: LimitKind, index: int) -> str:
        if index < 0:
            return ""
        return self.buckets[index].name if kind.bucketed else self.symbols[index]

    def _cap(self, kind: LimitKind, index: int) -> float | None:
        if kind is LimitKind.POSITION_WEIGHT:
            return (
                _cap(self.arrays.position_cap[index])
                if index >= 0
                else _cap(self.policy.max_position_weight or np.inf)
            )
        if kind.bucketed:
            return float(self.arrays.bucket_cap[index]) if index >= 0 else None
        return _cap(self.arrays.limit_cap[kind.code])

    def _weights(self, weights: np.ndarray) -> np.ndarray:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(self.symbols),):
            raise ValidationError(f"weights have shape {w.shape}, not ({len(self.symbols)},)")
        return w

    def _returns(self, returns: np.ndarray | None) -> np.ndarray:
        if returns is None:
            return self._no_returns
        r = np.asarray(returns, dtype=np.float64)
        if r.ndim != 2 or r.shape[1] != len(self.symbols):
            raise ValidationError(f"returns have shape {r.shape}, not (W, {len(self.symbols)})")
        return r


def _equity(history: Sequence[float] | np.ndarray) -> np.ndarray:
    equity = np.asarray(history, dtype=np.float64)
    if equity.ndim != 1 or equity.shape[0] == 0:
        raise ValidationError("equity history must be a non-empty 1-D sequence")
    if not np.all(np.isfinite(equity)):
        raise ValidationError("equity history holds NaN or infinite values")
    return equity


def _cap(cap: float) -> float | None:
    return None if cap == np.inf else float(cap)
