"""The tracking port: every training run recorded, models registered, versions promoted.

Contract of `Tracker`:
- `record(run)` stores one finished run (params, metrics, per-day metric series, tags,
  artifacts as bytes) under `run.experiment` and returns its run id; nothing is half-written
  from the caller's side (a failure raises `TrackingError`).
- `register(name, run_id, artifact)` makes the run's artifact a new version of registered
  model `name` (versions count 1, 2, ...) and returns the version.
- `promote(name, version, book)` makes that version the production model of `book` (a book
  id: letters, digits, '_' or '-'); a later promotion for the same book replaces it.
  `production(name, book)` returns the promoted version or None.
- `runs(experiment)` lists runs newest first; `run(run_id)` one run, `series(run_id, key)`
  a metric's (step, value) points in step order, `artifact(run_id, path)` an artifact's bytes,
  `versions(name)` a model's versions, `models()` the registered names. Unknown ids and names
  raise `TrackingError`.

Adapters: `tetra.adapters.tracking.mlflow.MlflowTracker` (MLflow on SQLite by default, or a
tracking server); `tetra.testing.InMemoryTracker` for tests. Both pass
``tests/contract/test_tracker_contract.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from tetra.core.errors import TetraError, ValidationError

BOOK_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MODEL_ARTIFACT = "model/model.pkl"  # a run's fitted model (a pickled FittedModel)
REPORT_ARTIFACT = "report.json"  # a run's report: what the Models page draws


class TrackingError(TetraError):
    """The tracking store cannot do what was asked (unknown run or model, store trouble)."""


@dataclass(frozen=True)
class RunRecord:
    """One training run as the tracker stores it."""

    experiment: str
    name: str
    params: Mapping[str, str]
    metrics: Mapping[str, float]
    series: Mapping[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    artifacts: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class RunInfo:
    """A stored run: ids, timing, and what it logged (series and artifacts on request)."""

    run_id: str
    experiment: str
    name: str
    started_ms: int
    params: Mapping[str, str]
    metrics: Mapping[str, float]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class ModelVersion:
    name: str
    version: int
    run_id: str
    books: tuple[str, ...]  # books this version is in production for


@runtime_checkable
class Tracker(Protocol):
    """See the module docstring for the contract."""

    def record(self, run: RunRecord) -> str: ...

    def register(self, name: str, run_id: str, artifact: str) -> int: ...

    def promote(self, name: str, version: int, book: str) -> None: ...

    def production(self, name: str, book: str) -> int | None: ...

    def runs(self, experiment: str) -> list[RunInfo]: ...

    def run(self, run_id: str) -> RunInfo: ...

    def series(self, run_id: str, key: str) -> list[tuple[int, float]]: ...

    def artifact(self, run_id: str, path: str) -> bytes: ...

    def versions(self, name: str) -> list[ModelVersion]: ...

    def models(self) -> list[str]: ...


def check_book(book: str) -> str:
    """Return `book` if it is a valid book id, else raise a clear error."""
    if not BOOK_PATTERN.match(book):
        raise ValidationError(f"book id {book!r}: use 1-64 letters, digits, '_' or '-'")
    return book


def production_alias(book: str) -> str:
    """The registry alias that marks a book's production version."""
    return f"production-{check_book(book)}"
