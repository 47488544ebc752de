"""`MlflowTracker`: the tracking port over MLflow (SQLite file by default, or a server).

MLflow's file store (``./mlruns``) is deprecated and refused by recent releases, so the
default is a SQLite database (``sqlite:///data/mlflow.db``) with artifacts in a folder beside
it; a ``http(s)://`` tracking URI uses that server and its artifact store. A book's
production version is a registry alias, ``production-<book>``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

from tetra.ml.tracking import (
    ModelVersion,
    RunInfo,
    RunRecord,
    TrackingError,
    production_alias,
)

BATCH = 900  # MLflow takes at most 1,000 metrics per batch
ALIAS_PREFIX = "production-"


def sqlite_uri(path: Path) -> str:
    """Return the tracking URI of a SQLite database file."""
    return f"sqlite:///{path.resolve()}"


class MlflowTracker:
    """A `tetra.ml.tracking.Tracker` over one MLflow tracking and registry URI."""

    def __init__(self, tracking_uri: str, artifact_root: Path | None = None) -> None:
        self.tracking_uri = tracking_uri
        self.artifact_root = artifact_root
        try:
            self._client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
        except MlflowException as error:
            raise TrackingError(f"cannot open the MLflow store {tracking_uri}: {error}") from None

    def record(self, run: RunRecord) -> str:
        experiment = self._experiment(run.experiment, create=True)
        assert experiment is not None
        try:
            created = self._client.create_run(experiment, run_name=run.name, tags=dict(run.tags))
            run_id = created.info.run_id
            self._log(run_id, run)
            self._client.set_terminated(run_id)
        except MlflowException as error:
            raise TrackingError(f"MLflow refused the run: {error}") from None
        return str(run_id)

    def register(self, name: str, run_id: str, artifact: str) -> int:
        run = self._get_run(run_id)
        try:
            if not self._client.search_registered_models(f"name='{name}'"):
                self._client.create_registered_model(name)
            source = f"{run.info.artifact_uri}/{artifact}"
            version = self._client.create_model_version(name, source=source, run_id=run_id)
        except MlflowException as error:
            raise TrackingError(f"cannot register {name}: {error}") from None
        return int(version.version)

    def promote(self, name: str, version: int, book: str) -> None:
        alias = production_alias(book)
        self._version(name, version)
        self._client.set_registered_model_alias(name, alias, str(version))

    def production(self, name: str, book: str) -> int | None:
        alias = production_alias(book)
        try:
            return int(self._client.get_model_version_by_alias(name, alias).version)
        except MlflowException:
            return None

    def runs(self, experiment: str) -> list[RunInfo]:
        found = self._experiment(experiment, create=False)
        if found is None:
            return []
        runs = self._client.search_runs([found], order_by=["attributes.start_time DESC"])
        return [self._info(run, experiment) for run in runs]

    def run(self, run_id: str) -> RunInfo:
        run = self._get_run(run_id)
        experiment = self._client.get_experiment(run.info.experiment_id)
        return self._info(run, str(experiment.name))

    def series(self, run_id: str, key: str) -> list[tuple[int, float]]:
        self._get_run(run_id)
        history = self._client.get_metric_history(run_id, key)
        return sorted((int(m.step), float(m.value)) for m in history)

    def artifact(self, run_id: str, path: str) -> bytes:
        self._get_run(run_id)
        with tempfile.TemporaryDirectory() as folder:
            try:
                local = self._client.download_artifacts(run_id, path, folder)
            except (MlflowException, OSError) as error:
                raise TrackingError(f"run {run_id} has no artifact {path!r}: {error}") from None
            return Path(local).read_bytes()

    def versions(self, name: str) -> list[ModelVersion]:
        try:
            registered = self._client.get_registered_model(name)
        except MlflowException:
            raise TrackingError(f"no registered model {name!r}") from None
        books = _books(dict(registered.aliases or {}))
        found = self._client.search_model_versions(f"name='{name}'")
        return sorted(
            (
                ModelVersion(name, int(v.version), str(v.run_id), books.get(int(v.version), ()))
                for v in found
            ),
            key=lambda v: v.version,
        )

    def models(self) -> list[str]:
        return sorted(str(m.name) for m in self._client.search_registered_models())

    def _experiment(self, name: str, *, create: bool) -> str | None:
        found = self._client.get_experiment_by_name(name)
        if found is not None:
            return str(found.experiment_id)
        if not create:
            return None
        location = None
        if self.artifact_root is not None:
            location = (self.artifact_root / name).resolve().as_uri()
        return str(self._client.create_experiment(name, artifact_location=location))

    def _log(self, run_id: str, run: RunRecord) -> None:
        now = int(time.time() * 1000)
        params = [Param(k, str(v)[:6000]) for k, v in run.params.items()]
        metrics = [Metric(k, float(v), now, 0) for k, v in run.metrics.items()]
        for key, points in run.series.items():
            metrics += [Metric(key, float(v), now, int(step)) for step, v in points]
        self._client.log_batch(run_id, params=params, tags=[RunTag("tetra", "1")])
        for start in range(0, len(metrics), BATCH):
            self._client.log_batch(run_id, metrics=metrics[start : start + BATCH])
        if run.artifacts:
            with tempfile.TemporaryDirectory() as folder:
                for path, data in run.artifacts.items():
                    target = Path(folder) / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                self._client.log_artifacts(run_id, folder)

    def _get_run(self, run_id: str):  # type: ignore[no-untyped-def]
        try:
            return self._client.get_run(run_id)
        except MlflowException:
            raise TrackingError(f"no run {run_id!r}") from None

    def _version(self, name: str, version: int) -> None:
        try:
            self._client.get_model_version(name, str(version))
        except MlflowException:
            raise TrackingError(f"no version {version} of model {name!r}") from None

    def _info(self, run, experiment: str) -> RunInfo:  # type: ignore[no-untyped-def]
        return RunInfo(
            run_id=str(run.info.run_id),
            experiment=experiment,
            name=str(run.info.run_name or ""),
            started_ms=int(run.info.start_time or 0),
            params=dict(run.data.params),
            metrics={k: float(v) for k, v in run.data.metrics.items()},
            tags={k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")},
        )


def _books(aliases: dict[str, str]) -> dict[int, tuple[str, ...]]:
    """Map each version to the books whose production alias points at it."""
    books: dict[int, list[str]] = {}
    for alias, version in aliases.items():
        if alias.startswith(ALIAS_PREFIX):
            books.setdefault(int(version), []).append(alias[len(ALIAS_PREFIX) :])
    return {version: tuple(sorted(names)) for version, names in books.items()}
