"""Which tables the chat may read, and which of them are private.

Public tables (market, macro, news, derived data, pipeline health) may be described to and
queried for a cloud model. Private ones (strategies, execution, portfolio) are described only to
the local model, and no row of theirs ever leaves the machine. Tables in neither set (migration
bookkeeping, watermarks, store facts, alert state) are not readable by the chat at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DEFAULT_PRIVATE_SCHEMAS",
    "DEFAULT_PUBLIC_SCHEMAS",
    "DEFAULT_PUBLIC_TABLES",
    "Privacy",
    "TablePolicy",
]

DEFAULT_PUBLIC_SCHEMAS = ("market_data", "economic_data", "events", "news", "derived")
DEFAULT_PRIVATE_SCHEMAS = (
    "strategies",
    "execution",
    "portfolio",
    "simulation",
    "cycle",
    "reports",
)
DEFAULT_PUBLIC_TABLES = ("ops.coverage", "ops.ingest_runs", "ops.quarantine")


class Privacy(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class TablePolicy:
    """The readable tables by privacy, as lower-case qualified names."""

    public: frozenset[str]
    private: frozenset[str]

    def __post_init__(self) -> None:
        if both := self.public & self.private:
            raise ValueError(f"tables cannot be both public and private: {sorted(both)}")

    @classmethod
    def classify(
        cls,
        tables: Iterable[str],
        *,
        public_schemas: Iterable[str] = DEFAULT_PUBLIC_SCHEMAS,
        private_schemas: Iterable[str] = DEFAULT_PRIVATE_SCHEMAS,
        public_tables: Iterable[str] = DEFAULT_PUBLIC_TABLES,
    ) -> TablePolicy:
        """Sort `tables` by schema; a private schema wins over a public table listing."""
        public_schema_set, private_schema_set = set(public_schemas), set(private_schemas)
        named = {t.lower() for t in public_tables}
        public: set[str] = set()
        private: set[str] = set()
        for table in (t.lower() for t in tables):
            schema = table.partition(".")[0]
            if schema in private_schema_set:
                private.add(table)
            elif schema in public_schema_set or table in named:
                public.add(table)
        return cls(frozenset(public), frozenset(private))

    @property
    def readable(self) -> frozenset[str]:
        return self.public | self.private

    def privacy_of(self, tables: Iterable[str]) -> Privacy:
        """Private when any of `tables` is private (unknown names count as private)."""
        lowered = {t.lower() for t in tables}
        return Privacy.PUBLIC if lowered <= self.public else Privacy.PRIVATE
