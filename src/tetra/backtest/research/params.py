"""Parameters from text (``--param fast=10``, ``--grid slow=50,100``) and the strategy names.

Values are read as JSON where they parse (``10``, ``0.5``, ``true``, ``null``) and kept as
text otherwise (``sma``); the strategy's pydantic `Config` then validates and converts them.
The registry of strategies is the caller's (the composition roots hand in
`tetra.strategy.library.STRATEGIES`): research never imports the library.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from tetra.backtest.research.sweep import StrategyClass


def strategy_class(name: str, registry: Mapping[str, StrategyClass]) -> StrategyClass:
    """Return the strategy registered as `name`; raise KeyError listing the known names."""
    if name not in registry:
        raise KeyError(f"unknown strategy {name!r}; known: {', '.join(sorted(registry))}")
    return registry[name]


def parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """Read ``name=value`` pairs; raise ValueError for a pair without ``=``."""
    params: dict[str, Any] = {}
    for name, value in (_split(pair) for pair in pairs):
        params[name] = parse_value(value)
    return params


def parse_grid(pairs: Iterable[str]) -> dict[str, list[Any]]:
    """Read ``name=v1,v2,...`` pairs into a grid, in the order given."""
    grid: dict[str, list[Any]] = {}
    for name, values in (_split(pair) for pair in pairs):
        grid[name] = [parse_value(v.strip()) for v in values.split(",") if v.strip()]
        if not grid[name]:
            raise ValueError(f"--grid {name}= has no values")
    return grid


def unknown_fields(cls: StrategyClass, names: Iterable[str]) -> list[str]:
    """Return the names that are not fields of the strategy's config."""
    return sorted(set(names) - set(cls.Config.model_fields))


def _split(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"expected name=value, got {pair!r}")
    return name.strip(), value.strip()


def full_grid(
    cls: StrategyClass, grid: Iterable[str], fixed: Iterable[str]
) -> dict[str, list[Any]]:
    """Return a grid from ``--grid`` pairs plus one-value entries for ``--param`` pairs.

    Raise ValueError for malformed pairs and for names that are not config fields.
    """
    swept, params = parse_grid(grid), parse_params(fixed)
    unknown = unknown_fields(cls, [*params, *swept])
    if unknown:
        raise ValueError(f"{cls.name} has no parameter {', '.join(unknown)}")
    return {**{k: [v] for k, v in params.items()}, **swept}
