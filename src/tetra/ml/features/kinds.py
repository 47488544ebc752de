"""The registry of feature kinds: what each kind computes and which parameters it takes.

A kind is a function ``(context, **params) -> (days, symbols) array`` whose value at row t
may use the context's data up to row t only (the leakage tests check every built-in kind).
`register_kind` adds one, e.g. a user's own feature or the tests' deliberately leaky one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from tetra.ml.features.spec import FeatureSetError, FeatureSpec
from tetra.ml.inputs import FeatureInputs
from tetra.ml.panel import Panel


@dataclass
class FeatureContext:
    """What a kind reads: the inputs, their decision panel, and other features by name."""

    inputs: FeatureInputs
    panel: Panel
    resolve: Callable[[str], np.ndarray]
    cache: dict[str, object] = field(default_factory=dict)

    def listed(self) -> np.ndarray:
        """Return where a symbol has a price (listed by then): where features may be finite."""
        return np.asarray(np.isfinite(self.panel.close), dtype=bool)


Compute = Callable[..., np.ndarray]  # (context, /, **params) -> (days, symbols) array


_KINDS: dict[str, Compute] = {}


def register_kind(name: str, compute: Compute, *, replace: bool = False) -> None:
    """Make `compute` available to feature specs as kind `name`."""
    if name in _KINDS and not replace:
        raise ValueError(f"feature kind {name!r} is already registered")
    _KINDS[name] = compute


def kinds() -> Mapping[str, Compute]:
    return dict(_KINDS)


def compute_feature(spec: FeatureSpec, context: FeatureContext) -> np.ndarray:
    """Compute one feature, checking its kind and parameters first."""
    compute = check_spec(spec)
    values = compute(context, **spec.arguments)
    return np.where(context.listed(), values, np.nan)


def check_spec(spec: FeatureSpec) -> Compute:
    """Return the kind of `spec`, or raise naming an unknown kind or a bad parameter."""
    compute = _KINDS.get(spec.kind)
    if compute is None:
        known = ", ".join(sorted(_KINDS))
        raise FeatureSetError(f"{spec.name}: unknown feature kind {spec.kind!r}; known: {known}")
    try:
        inspect.signature(compute).bind(None, **spec.arguments)
    except TypeError as error:
        raise FeatureSetError(f"{spec.name} ({spec.kind}): {error}") from None
    return compute
