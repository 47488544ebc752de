"""`InMemoryTracker`: a fake of the tracking port for tests, same contract as MLflow's adapter."""

from __future__ import annotations

import itertools
import uuid

from tetra.ml.tracking import (
    ModelVersion,
    RunInfo,
    RunRecord,
    TrackingError,
    check_book,
)

__all__ = ["InMemoryTracker"]


class InMemoryTracker:
    """A `tetra.ml.tracking.Tracker` held in memory; see that port for the contract."""

    def __init__(self) -> None:
        self._runs: dict[str, tuple[RunInfo, RunRecord]] = {}
        self._versions: dict[str, list[ModelVersion]] = {}
        self._clock = itertools.count(1)

    def record(self, run: RunRecord) -> str:
        run_id = uuid.uuid4().hex
        info = RunInfo(
            run_id, run.experiment, run.name, next(self._clock), dict(run.params),
            {k: float(v) for k, v in run.metrics.items()}, dict(run.tags),
        )  # fmt: skip
        self._runs[run_id] = (info, run)
        return run_id

    def register(self, name: str, run_id: str, artifact: str) -> int:
        self._record(run_id)
        versions = self._versions.setdefault(name, [])
        versions.append(ModelVersion(name, len(versions) + 1, run_id, ()))
        return len(versions)

    def promote(self, name: str, version: int, book: str) -> None:
        check_book(book)
        versions = self._model(name)
        if not 1 <= version <= len(versions):
            raise TrackingError(f"no version {version} of model {name!r}")
        self._versions[name] = [
            ModelVersion(v.name, v.version, v.run_id, _with(v, book, v.version == version))
            for v in versions
        ]

    def production(self, name: str, book: str) -> int | None:
        check_book(book)
        chosen = [v.version for v in self._versions.get(name, []) if book in v.books]
        return chosen[0] if chosen else None

    def runs(self, experiment: str) -> list[RunInfo]:
        found = [info for info, _ in self._runs.values() if info.experiment == experiment]
        return sorted(found, key=lambda info: -info.started_ms)

    def run(self, run_id: str) -> RunInfo:
        return self._record(run_id)[0]

    def series(self, run_id: str, key: str) -> list[tuple[int, float]]:
        return sorted(self._record(run_id)[1].series.get(key, ()))

    def artifact(self, run_id: str, path: str) -> bytes:
        artifacts = self._record(run_id)[1].artifacts
        if path not in artifacts:
            raise TrackingError(f"run {run_id} has no artifact {path!r}")
        return artifacts[path]

    def versions(self, name: str) -> list[ModelVersion]:
        return list(self._model(name))

    def models(self) -> list[str]:
        return sorted(self._versions)

    def _record(self, run_id: str) -> tuple[RunInfo, RunRecord]:
        if run_id not in self._runs:
            raise TrackingError(f"no run {run_id!r}")
        return self._runs[run_id]

    def _model(self, name: str) -> list[ModelVersion]:
        if name not in self._versions:
            raise TrackingError(f"no registered model {name!r}")
        return self._versions[name]


def _with(version: ModelVersion, book: str, chosen: bool) -> tuple[str, ...]:
    others = [b for b in version.books if b != book]
    return tuple(sorted([*others, book] if chosen else others))
