"""The offline parser against the shipped evaluation set (`ideas.toml`).

Each idea's expected spec (or refusal) is compared with the parser's canonical spec; a
refinement idea is parsed after its `previous` idea.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from tetra.strategy.spec.compile import validate_spec
from tetra.strategy.spec.model import canonical_json
from tetra.strategy.spec.parse import parse_idea
from tetra.strategy.spec.phrases import IdeaNotUnderstood

__all__ = ["Idea", "IdeaOutcome", "evaluate_parser", "load_ideas"]


@dataclass(frozen=True)
class Idea:
    text: str
    expected: str  # canonical spec JSON, or "" when the parser must refuse
    previous: str | None = None
    set: str = "dev"


@dataclass(frozen=True)
class IdeaOutcome:
    idea: Idea
    correct: bool
    got: str  # canonical spec JSON, or the refusal message


def load_ideas() -> list[Idea]:
    """Return the shipped evaluation set, expected specs in canonical form."""
    raw: dict[str, Any] = tomllib.loads(
        resources.files("tetra.strategy.spec").joinpath("ideas.toml").read_text()
    )
    ideas = []
    for entry in raw["idea"]:
        expected = entry["expected"]
        canonical = canonical_json(validate_spec(json.loads(expected))) if expected else ""
        ideas.append(Idea(entry["text"], canonical, entry.get("previous"), entry.get("set", "dev")))
    return ideas


def evaluate_parser(ideas: list[Idea] | None = None) -> list[IdeaOutcome]:
    """Parse every idea and compare; refusals are correct where refusal is expected."""
    outcomes = []
    for idea in ideas if ideas is not None else load_ideas():
        previous = parse_idea(idea.previous).spec if idea.previous else None
        try:
            got = canonical_json(parse_idea(idea.text, previous).spec)
        except IdeaNotUnderstood as refusal:
            got = f"refused: {refusal}"
            outcomes.append(IdeaOutcome(idea, idea.expected == "", got))
            continue
        outcomes.append(IdeaOutcome(idea, got == idea.expected, got))
    return outcomes
