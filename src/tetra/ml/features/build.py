"""Build feature sets in bulk: every feature of every set, as (days, symbols) arrays.

`build_features` turns `FeatureInputs` into a `FeatureFrame` (one array per feature, on the
decision panel). Features that rank or transform others name them (`of=...`); such a name
resolves against the sets being built, then against the catalog, and is computed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

import tetra.ml.features.bars
import tetra.ml.features.cross_section
import tetra.ml.features.events
import tetra.ml.features.macro
import tetra.ml.features.news
import tetra.ml.features.world  # noqa: F401  (each registers its kinds)
from tetra.ml.features.catalog import FEATURE_SETS
from tetra.ml.features.kinds import FeatureContext, check_spec, compute_feature
from tetra.ml.features.spec import FeatureSet, FeatureSetError, FeatureSpec
from tetra.ml.inputs import FeatureInputs
from tetra.ml.panel import Panel, build_panel

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FeatureFrame:
    """Feature values of shape (features, days, symbols) with their names and sets."""

    dates: np.ndarray
    symbols: tuple[str, ...]
    names: tuple[str, ...]
    values: np.ndarray
    sets: tuple[FeatureSet, ...]

    def column(self, name: str) -> np.ndarray:
        """Return one feature as a (days, symbols) array."""
        try:
            return np.asarray(self.values[self.names.index(name)])
        except ValueError:
            raise FeatureSetError(
                f"no feature {name!r} here; features: {', '.join(self.names)}"
            ) from None

    def select(self, names: Sequence[str]) -> FeatureFrame:
        """Return the frame restricted to `names`, in that order."""
        indices = [self.names.index(n) for n in check_names(self.names, names)]
        return FeatureFrame(self.dates, self.symbols, tuple(names), self.values[indices], self.sets)

    def day(self, day: np.datetime64) -> int:
        """Return the row of `day`, or raise if it is not a decision day here."""
        row = int(np.searchsorted(self.dates, day))
        if row >= len(self.dates) or self.dates[row] != day:
            raise FeatureSetError(f"{day} is not a decision day of these features")
        return row


def check_names(known: Sequence[str], wanted: Iterable[str]) -> list[str]:
    """Return `wanted` as a list, or raise naming the columns that are not features here."""
    wanted = list(wanted)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise FeatureSetError(f"unknown feature columns {unknown}; known: {', '.join(known)}")
    return wanted


def build_features(
    inputs: FeatureInputs,
    sets: Sequence[FeatureSet],
    *,
    progress: Progress | None = None,
    panel: Panel | None = None,
) -> FeatureFrame:
    """Compute every feature of `sets` on the inputs' decision panel."""
    specs = validate_sets(sets)
    panel = panel or build_panel(inputs.market)
    computed: dict[str, np.ndarray] = {}
    context = FeatureContext(inputs, panel, lambda name: resolve(name))

    def resolve(name: str) -> np.ndarray:
        if name not in computed:
            if name not in specs:
                raise FeatureSetError(f"feature {name!r} is not declared by any feature set")
            computed[name] = compute_feature(specs[name], context)
        return computed[name]

    names = tuple(f.name for s in sets for f in s.features)
    for feature_set in sets:
        if progress is not None:
            progress(feature_set.label)
        for name in feature_set.names:
            resolve(name)
    values = np.empty((len(names), *panel.shape))
    for i, name in enumerate(names):
        values[i] = computed[name]
    return FeatureFrame(panel.dates, panel.symbols, names, values, tuple(sets))


def validate_sets(sets: Sequence[FeatureSet]) -> Mapping[str, FeatureSpec]:
    """Check every spec's kind, parameters and the features it names; return the resolver."""
    specs = _resolvable(sets)
    for feature_set in sets:
        for spec in feature_set.features:
            check_spec(spec)
            named = spec.arguments.get("of")
            if named is not None and str(named) not in specs:
                raise FeatureSetError(
                    f"{feature_set.label}: {spec.name} names unknown column {named!r}"
                )
    return specs


def _resolvable(sets: Sequence[FeatureSet]) -> Mapping[str, FeatureSpec]:
    """Map feature names to specs: the chosen sets first, then the catalog's."""
    chosen = [f for s in sets for f in s.features]
    duplicates = sorted({f.name for f in chosen if [g.name for g in chosen].count(f.name) > 1})
    if duplicates:
        raise FeatureSetError(f"features declared by two of the sets: {duplicates}")
    catalog = {f.name: f for s in FEATURE_SETS.values() for f in s.features}
    return {**catalog, **{f.name: f for f in chosen}}
