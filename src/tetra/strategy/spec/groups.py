"""Universe groups and themes in plain words: "the AI infrastructure names", "growth stocks".

`extract_universe(text)` finds a group or theme of the packaged universe named in the text,
removes the phrase (so "AI" is not read as a ticker) and returns its name. The packaged
universe is only the parser's vocabulary: a spec's group is resolved against the store when
it runs (`compile.resolve_universe`).
"""

from __future__ import annotations

import re
from functools import cache

from tetra.data.universe import load_universe
from tetra.model.instruments import UniverseGroup

__all__ = ["extract_universe", "packaged_members"]

_NOUNS = r"names|stocks|etfs|companies|group|theme|basket|universe|plays|sector|shares"


@cache
def packaged_members() -> dict[str, tuple[str, ...]]:
    """Return every group and theme of the packaged universe with its symbols, sorted."""
    found: dict[str, set[str]] = {}
    for instrument in load_universe():
        for name in (instrument.group.value, *instrument.themes):
            found.setdefault(name, set()).add(instrument.symbol)
    return {name: tuple(sorted(symbols)) for name, symbols in found.items()}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    groups = {group.value for group in UniverseGroup}
    ordered = sorted(packaged_members(), key=len, reverse=True)  # "ai_infrastructure" before "ai"
    patterns = []
    for name in ordered:
        words = re.escape(name).replace("_", "[ _-]")
        noun = rf"(?: (?:{_NOUNS}))?" if name in groups else rf" (?:{_NOUNS})"
        patterns.append((re.compile(rf"\b(?:all )?(?:of )?(?:the )?{words}{noun}\b", re.I), name))
    return tuple(patterns)


def extract_universe(text: str) -> tuple[str, str | None]:
    """Return `text` without the group or theme phrase it names, and the name (or None)."""
    for pattern, name in _patterns():
        found = pattern.search(text)
        if found is not None:
            return text[: found.start()] + " " + text[found.end() :], name
    return text, None
