"""The runs' records in ``ops.ingest_runs``: written at start and end, swept when abandoned.

A run is written as `running` with its owner when it starts and with its outcome when it ends.
A process killed midway cannot write its end, so every new run (and the server at start-up)
first sweeps: a `running` run whose owner process is gone becomes `abandoned`, with the time
and the reason in its `errors`. An owner on another host cannot be checked; its run is declared
abandoned once it has been running longer than `STALE_AFTER` (no real run takes a day).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pandas as pd

from tetra.data.pipeline.owners import Owner, is_alive
from tetra.data.pipeline.plan import RunStatus
from tetra.data.ports import Query, Store

RUNS = "ops.ingest_runs"
STALE_AFTER = dt.timedelta(hours=24)

log = logging.getLogger(__name__)


def mark_abandoned(store: Store, now: dt.datetime, *, by: str) -> list[str]:
    """Mark every `running` run whose owner is gone as `abandoned`; return their ids.

    `by` names who noticed (a run id, or "server start-up"), recorded with the reason.
    """
    running = store.read(Query(RUNS, where={"status": RunStatus.RUNNING.value}))
    dead = []
    for raw in running.to_dict(orient="records"):
        row = {str(name): value for name, value in raw.items()}
        why = _why_abandoned(row, now)
        if why is not None:
            dead.append(_abandoned(row, now, f"{why}; noticed by {by} at {now.isoformat()}"))
    if dead:
        store.upsert(RUNS, pd.DataFrame(dead))
        log.warning("marked %d abandoned pipeline run(s): %s", len(dead), _ids(dead))
    return [str(row["run_id"]) for row in dead]


def _why_abandoned(row: dict[str, object], now: dt.datetime) -> str | None:
    owner = Owner.parse(row.get("owner"))
    if owner is None:
        return "no owner recorded (started by an older Tetra) and still marked running"
    alive = is_alive(owner)
    if alive:
        return None
    if alive is False:
        return f"its process {owner.pid} on {owner.host} is gone (killed or crashed)"
    started = pd.Timestamp(row["started_at"])  # type: ignore[arg-type]
    if now - started.to_pydatetime() < STALE_AFTER:
        return None
    return f"owner {owner} on another host has not finished it in {STALE_AFTER}"


def _abandoned(row: dict[str, object], now: dt.datetime, reason: str) -> dict[str, object]:
    errors = _json(row.get("errors"))
    errors["run"] = f"abandoned: {reason}"
    return {
        **row,
        "status": RunStatus.ABANDONED.value,
        "finished_at": now,
        "errors": json.dumps(errors),
        "steps": json.dumps(_json(row.get("steps"))),
    }


def _json(value: object) -> dict[str, object]:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str) and value:
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return {}


def _ids(rows: list[dict[str, object]]) -> str:
    return ", ".join(str(row["run_id"]) for row in rows)
