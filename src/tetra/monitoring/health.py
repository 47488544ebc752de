"""Health at a glance: is the store current, did the pipeline run lately, is anything critical.

`check_health` answers in a few named checks, each ok or not with a one-line detail; the CLI
(`tetra alerts health`) prints them and exits non-zero when one fails, for cron wrappers and
container health probes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tetra.data.migrations import LATEST_VERSION
from tetra.data.ports import Query, Store
from tetra.monitoring.alerts import FIRING, stored_alerts
from tetra.monitoring.rules import CRITICAL


@dataclass(frozen=True, slots=True)
class HealthCheck:
    name: str
    ok: bool
    detail: str


def check_health(
    store: Store, now: dt.datetime, max_run_age: dt.timedelta = dt.timedelta(hours=26)
) -> list[HealthCheck]:
    """Return the store, last-run and critical-alert checks, in that order."""
    return [_schema(store), _last_run(store, now, max_run_age), _critical(store)]


def _schema(store: Store) -> HealthCheck:
    version = store.schema_version()
    ok = version == LATEST_VERSION
    detail = f"schema v{version}" + ("" if ok else f", this Tetra expects v{LATEST_VERSION}")
    return HealthCheck("store", ok, detail)


def _last_run(store: Store, now: dt.datetime, max_age: dt.timedelta) -> HealthCheck:
    runs = store.read(Query("ops.ingest_runs", columns=["run_id", "status", "finished_at"]))
    finished = runs[runs["finished_at"].notna()]
    if finished.empty:
        return HealthCheck("pipeline", False, "no finished pipeline run yet")
    latest = finished.sort_values("finished_at").iloc[-1]
    age = now - pd.Timestamp(latest["finished_at"]).to_pydatetime()
    hours = age.total_seconds() / 3600
    detail = f"last run {latest['run_id']} {latest['status']}, {hours:.1f} h ago"
    return HealthCheck("pipeline", age <= max_age and latest["status"] != "failed", detail)


def _critical(store: Store) -> HealthCheck:
    firing = [a for a in stored_alerts(store) if a.state == FIRING and a.severity == CRITICAL]
    names = ", ".join(a.alert_id for a in firing)
    return HealthCheck("alerts", not firing, names or "no critical alert firing")
