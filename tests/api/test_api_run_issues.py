"""`/api/monitor/run-issues`: missed and failed scheduled runs for the monitor page."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from async_api import KEY, api_client

from tetra.api.app import create_app
from tetra.core.clock import FixedClock
from tetra.testing import InMemoryStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _run(run_id: str, day: int, status: str) -> dict[str, object]:
    at = pd.Timestamp(dt.datetime(2024, 1, day, 10), tz="UTC")
    return {
        "run_id": run_id,
        "mode": "daily",
        "status": status,
        "started_at": at,
        "finished_at": at,
        "rows_written": 0,
        "rows_quarantined": 0,
        "steps": "{}",
        "errors": json.dumps({"market_data": "HTTP 503"} if status == "failed" else {}),
        "source": "tetra",
    }


async def test_the_monitor_lists_the_failed_and_missed_runs_up_to_yesterday() -> None:
    store = InMemoryStore()
    store.migrate()
    runs = [_run("a", 2, "success"), _run("b", 9, "success"), _run("c", 10, "failed")]
    store.upsert("ops.ingest_runs", pd.DataFrame(runs))
    app = create_app(store, api_key=KEY)
    app.state.clock = FixedClock(dt.datetime(2024, 1, 12, 9, tzinfo=dt.UTC))

    async with api_client(app) as client:
        found = (await client.get("/api/monitor/run-issues", params={"days": 4})).json()
        bad = await client.get("/api/monitor/run-issues", params={"days": 0})

    assert (found["start"], found["end"]) == ("2024-01-08", "2024-01-11")
    assert [(i["day"], i["job"], i["status"]) for i in found["issues"]] == [
        ("2024-01-10", "pipeline", "failed"),
        ("2024-01-10", "pipeline", "missed"),  # nothing after the close of the 10th
    ]  # the run after the close of the 11th still has until the end of the 12th
    assert bad.status_code == 422
