"""Strategy specifications: a closed, versioned, bounded description of a strategy idea.

`model` (the spec types, canonical form, hash and JSON schema), `compile` (validation and
compilation to a strategy), `rules` (the rule strategy), `words` (plain words and diffs),
`parse` (the offline parser: plain words to a spec, with `phrases`, `modifiers`, `refine`).
"""

from tetra.strategy.spec.compile import SpecInputs, SpecRejected, compile_spec, validate_spec
from tetra.strategy.spec.model import (
    SPEC_VERSION,
    StrategySpec,
    canonical_json,
    json_schema,
    spec_hash,
)
from tetra.strategy.spec.parse import IdeaNotUnderstood, ParsedIdea, parse_idea
from tetra.strategy.spec.words import describe_spec, spec_diff

__all__ = [
    "SPEC_VERSION",
    "IdeaNotUnderstood",
    "ParsedIdea",
    "SpecInputs",
    "SpecRejected",
    "StrategySpec",
    "canonical_json",
    "compile_spec",
    "describe_spec",
    "json_schema",
    "parse_idea",
    "spec_diff",
    "spec_hash",
    "validate_spec",
]
