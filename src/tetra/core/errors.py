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


class SourceError(TetraError):
    """A data source could not deliver what was asked; `source` names it."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"{source}: {message}")


class SourceUnavailable(SourceError):
    """The source did not answer usefully after every retry (network, 5xx, timeouts)."""


class QuotaExhausted(SourceError):
    """The source says our quota is spent; retrying before the window resets is pointless."""


class EmptyResponse(SourceError):
    """The source answered with no data where data was due: a failure, not 'no data'."""


class MalformedPayload(SourceError):
    """The source's answer could not be read at all; `payload` keeps what arrived."""

    def __init__(self, source: str, message: str, payload: str = "") -> None:
        super().__init__(source, message)
        self.payload = payload


class ConfigurationError(TetraError):
    """A setting needed for what was asked is missing or wrong (say, an API key)."""
