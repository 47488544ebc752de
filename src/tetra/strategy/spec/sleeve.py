"""A spec as one strategy of a book: the ``strategy_spec`` sleeve and how it is compiled.

A book holds a rule spec as the strategy named `SPEC_STRATEGY` whose parameters are the
canonical spec and its hash (`spec_params`). `read_spec_params` validates such parameters,
naming the field at fault (``spec.<field>: ...`` or ``spec_hash: ...``); a spec that names a
universe group must carry its members as its symbols (they were resolved against the store
when the spec was backtested and approved, and the book trades those, so the sleeve does not
change when the store's groups do).

`compile_sleeve` compiles the spec (`compile_spec`, deterministic) for a book's market, which
may hold other strategies' symbols too: a rule spec enters only the symbols its backtest ran
on (`StrategySpec.referenced_symbols`) and sizes each at the weight that backtest used (the
spec's, else one over that count), so its decisions on those symbols are the backtest's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tetra.market import MarketData
from tetra.strategy.base import Strategy
from tetra.strategy.conditions import And, Condition
from tetra.strategy.spec.compile import SpecInputs, SpecRejected, compile_spec, validate_spec
from tetra.strategy.spec.model import StrategySpec, canonical_json
from tetra.strategy.spec.rules import RuleBased

__all__ = ["SPEC_STRATEGY", "compile_sleeve", "read_spec_params", "spec_params"]

SPEC_STRATEGY = "strategy_spec"
_HASH_LENGTH = 12


def spec_params(spec: StrategySpec) -> dict[str, Any]:
    """Return the parameters of `spec`'s sleeve: the canonical spec and its short hash."""
    text = canonical_json(spec)
    return {"spec": json.loads(text), "spec_hash": _short_hash(text)}


def read_spec_params(params: Mapping[str, Any]) -> StrategySpec:
    """Return the spec a sleeve's parameters hold, or raise `SpecRejected` naming the field."""
    unknown = sorted(set(params) - {"spec", "spec_hash"})
    if unknown:
        raise SpecRejected([f"{name}: not a parameter of {SPEC_STRATEGY}" for name in unknown])
    if "spec" not in params:
        raise SpecRejected(["spec: missing (the strategy spec, as JSON)"])
    try:
        spec = validate_spec(params["spec"])
    except SpecRejected as rejected:
        raise SpecRejected([f"spec.{reason}" for reason in rejected.reasons]) from None
    if not spec.symbols:
        group = spec.universe.group if spec.universe is not None else "?"
        raise SpecRejected(
            [f"spec.symbols: resolve universe group {group!r} to its members before booking it"]
        )
    expected = params.get("spec_hash")
    if expected is not None and expected != _short_hash(canonical_json(spec)):
        raise SpecRejected(["spec_hash: does not match the spec (was the spec edited?)"])
    return spec


def compile_sleeve(spec: StrategySpec, inputs: SpecInputs | None = None) -> Strategy[Any]:
    """Return `spec`'s strategy for a book's market (see the module docstring)."""
    strategy = compile_spec(spec, inputs)
    if not isinstance(strategy, RuleBased):
        return strategy
    symbols = spec.referenced_symbols()
    return RuleBased(
        And(strategy.entry, AmongSymbols(symbols)),
        strategy.exit,
        side=strategy.side,
        weight=strategy.weight or 1.0 / len(symbols),
        stop=strategy.stop,
    )


@dataclass(frozen=True)
class AmongSymbols(Condition):
    """True in the columns of `symbols`, on every bar."""

    symbols: tuple[str, ...]

    def evaluate(self, market: MarketData) -> np.ndarray:
        columns = np.isin(np.asarray(market.symbols), list(self.symbols))
        return np.array(np.broadcast_to(columns[None, :], market.shape), dtype=bool)

    def describe(self) -> str:
        return f"symbol in {', '.join(self.symbols)}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:_HASH_LENGTH]
