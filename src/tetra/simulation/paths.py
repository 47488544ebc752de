"""Seeded paths: one random generator per (seed, path), so chunking cannot change a path.

Path i of seed s draws only from ``PCG64(SeedSequence(s, spawn_key=(i,)))``: the same
path comes out whatever the chunk size, the executor or the order workers run in, and a
run of 10 paths is the first 10 paths of a run of 1,000. Shocks (`tetra.simulation.shocks`)
apply after generation and draw nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation.models.base import FittedModel
from tetra.simulation.shocks import Shock, apply_shocks

MAX_BARS = 100_000


def path_rng(seed: int, path: int) -> np.random.Generator:
    """Return the generator of path `path` of `seed` (see the module docstring)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(path,))))


@dataclass(frozen=True, slots=True)
class PathSpec:
    """How many paths of how many bars, from which seed, with which shocks."""

    paths: int
    bars: int
    seed: int = 0
    shocks: tuple[Shock, ...] = ()

    def __post_init__(self) -> None:
        if self.paths < 1:
            raise ValidationError(f"the number of paths must be at least 1, not {self.paths}")
        if not 2 <= self.bars <= MAX_BARS:
            raise ValidationError(
                f"bars per path must be between 2 and {MAX_BARS}, not {self.bars}"
            )
        if self.seed < 0:
            raise ValidationError(f"the seed must be a non-negative integer, not {self.seed}")


def generate(model: FittedModel, spec: PathSpec, path: int) -> MarketData:
    """Return path number `path` of `spec`, shocks applied."""
    market = model.simulate(spec.bars, path_rng(spec.seed, path))
    return apply_shocks(market, spec.shocks)


def generate_many(model: FittedModel, spec: PathSpec, paths: Sequence[int]) -> list[MarketData]:
    """Return the given paths of `spec` (each its own generator)."""
    return [generate(model, spec, path) for path in paths]


@dataclass(frozen=True)
class ModelMarketPaths:
    """Generated markets of `bars` bars from a fitted model, as `tetra.ml` consumes them.

    `paths(count, seed=s)` yields paths 0..count-1 of seed `s`, each from its own generator,
    so it satisfies `tetra.ml.robustness.MarketPaths` with any of the simulator's models.
    """

    model: FittedModel
    bars: int
    shocks: tuple[Shock, ...] = ()

    def paths(self, count: int, *, seed: int) -> Iterator[MarketData]:
        """Yield `count` paths of `seed` (shocks applied)."""
        spec = PathSpec(count, self.bars, seed, self.shocks)
        for path in range(count):
            yield generate(self.model, spec, path)
