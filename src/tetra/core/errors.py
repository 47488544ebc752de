"""The error hierarchy: every error Tetra raises on purpose derives from `TetraError`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class TetraError(Exception):
    """Base class of Tetra's own errors."""


class ValidationError(TetraError, ValueError):
    """A single value or record breaks an invariant of the domain model."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One rejected row of a batch: its position, its natural key (if known) and why."""

    row: int
    key: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} [{self.key}]: {self.reason}"


class InvalidBatch(ValidationError):
    """A batch holds invalid rows; nothing of it was written.

    `problems` lists every offending row with its reason, not just the first.
    """

    def __init__(self, table: str, problems: Sequence[RowProblem]) -> None:
        self.table = table
        self.problems = tuple(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(self.problems)} invalid row(s) for {table}; nothing written:\n  {shown}{tail}"
        )


class StoreError(TetraError):
    """The store cannot do what was asked (connection, schema or configuration trouble)."""


class SchemaVersionError(StoreError):
    """The store's schema version is one this code cannot use (newer than it knows)."""


class SourceMismatch(StoreError):
    """Rows of one store kind (sample or live) were sent to a store of the other kind."""
