"""Curated question-to-SQL examples, and the nearest few to a question for few-shot prompts.

Retrieval is TF-IDF over words and word pairs with cosine similarity: no model download, no
network, and stable results. Examples reading a table the audience may not see are never
offered (a cloud prompt gets only examples over public tables).
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass
from functools import cache
from importlib import resources

import sqlglot
from sqlglot import exp

from tetra.chat.guard import Dialect

__all__ = ["Example", "ExampleIndex", "curated_examples"]

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the of in on for to and or is are was were what which how much many do does did "
        "me my show give list by with over at from this that",
    )
)


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    sql: str  # DuckDB dialect
    tables: frozenset[str]

    def sql_for(self, dialect: Dialect) -> str:
        if dialect == "duckdb":
            return self.sql
        return sqlglot.transpile(self.sql, read="duckdb", write=dialect, pretty=True)[0]


@cache
def curated_examples() -> tuple[Example, ...]:
    """Return the examples shipped in ``examples.toml``."""
    text = resources.files("tetra.chat").joinpath("examples.toml").read_text(encoding="utf-8")
    return tuple(
        Example(item["question"], item["sql"].strip(), _tables(item["sql"]))
        for item in tomllib.loads(text)["example"]
    )


class ExampleIndex:
    """Finds the examples most similar to a question."""

    def __init__(self, examples: Sequence[Example]) -> None:
        self.examples = tuple(examples)
        documents = [_terms(e.question) for e in self.examples]
        frequency = Counter(term for document in documents for term in set(document))
        count = len(documents)
        self._idf = {t: math.log((1 + count) / (1 + n)) + 1 for t, n in frequency.items()}
        self._vectors = [self._vector(document) for document in documents]

    def nearest(self, question: str, *, readable: Set[str], k: int = 4) -> list[Example]:
        """Return up to `k` examples over `readable` tables, most similar first."""
        query = self._vector(_terms(question))
        scored = [
            (_cosine(query, vector), index)
            for index, vector in enumerate(self._vectors)
            if self.examples[index].tables <= readable
        ]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self.examples[index] for _, index in scored[:k]]

    def _vector(self, terms: list[str]) -> dict[str, float]:
        counts = Counter(terms)
        vector = {t: n * self._idf.get(t, 0.0) for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {t: v / norm for t, v in vector.items()}


def _terms(text: str) -> list[str]:
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(value * b.get(term, 0.0) for term, value in a.items())


def _tables(sql: str) -> frozenset[str]:
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    return frozenset(
        f"{t.db}.{t.name}".lower()
        for t in tree.find_all(exp.Table)
        if t.db or t.name.lower() not in ctes
    )
