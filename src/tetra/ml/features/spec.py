"""Declared feature sets: named, versioned lists of features, each a kind with parameters.

A `FeatureSet` is data: its `fingerprint` (a hash of the canonical definition) travels with
its rows in the `derived` schema and with every model run, so a run names exactly what it
saw, and a set whose definition changed without a new version number is refused when stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from tetra.core.errors import ValidationError

Param = str | int | float | bool


class FeatureSetError(ValidationError):
    """A feature set or a request for features names something that does not exist."""


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One feature: its column name, the kind that computes it, and the kind's parameters."""

    name: str
    kind: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, name: str, kind: str, **params: Param) -> FeatureSpec:
        return cls(name, kind, tuple(sorted(params.items())))

    @property
    def arguments(self) -> dict[str, Param]:
        return dict(self.params)


@dataclass(frozen=True, slots=True)
class FeatureSet:
    """A named, versioned list of features computed together."""

    name: str
    version: int
    features: tuple[FeatureSpec, ...]
    description: str = ""
    needs: tuple[str, ...] = field(default=())  # feature names of other sets it builds on

    def __post_init__(self) -> None:
        names = [f.name for f in self.features]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise FeatureSetError(f"feature set {self.name}: duplicate features {duplicates}")
        if self.version < 1:
            raise FeatureSetError(f"feature set {self.name}: version must be at least 1")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    @property
    def label(self) -> str:
        return f"{self.name}@v{self.version}"

    def definition(self) -> dict[str, object]:
        """Return the canonical, JSON-ready definition the fingerprint hashes."""
        return {
            "name": self.name,
            "version": self.version,
            "features": [
                {"name": f.name, "kind": f.kind, "params": dict(f.params)} for f in self.features
            ],
        }

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps(self.definition(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def by_name(sets: Mapping[str, FeatureSet], names: list[str] | tuple[str, ...]) -> list[FeatureSet]:
    """Return the sets called `names`, or raise listing the unknown ones and the known ones."""
    unknown = [name for name in names if name not in sets]
    if unknown:
        raise FeatureSetError(f"unknown feature sets {unknown}; known: {', '.join(sorted(sets))}")
    if not names:
        raise FeatureSetError("name at least one feature set")
    return [sets[name] for name in dict.fromkeys(names)]
