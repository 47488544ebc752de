"""Validation without leakage: purged splits, per-day signal metrics."""

from tetra.ml.validation.metrics import SignalSummary, daily_metrics, summarise
from tetra.ml.validation.splits import (
    Split,
    combinatorial_purged,
    group_bounds,
    paths,
    purge,
    walk_forward,
)

__all__ = [
    "SignalSummary",
    "Split",
    "combinatorial_purged",
    "daily_metrics",
    "group_bounds",
    "paths",
    "purge",
    "summarise",
    "walk_forward",
]
