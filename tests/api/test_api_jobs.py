"""`/api/jobs`: the one job queue, with the CLI commands clients hand to the server.

The server's own runner (`HostedCommands`) runs real `tetra` commands on the app's DuckDB
store, hosted as `tetra serve` hosts it: the command opens the store by URL and shares it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from async_api import KEY, api_client
from test_api_backtests import assert_error_model

from tetra.adapters.stores import open_store, serving
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.api.app import create_app
from tetra.cli.hosted import HostedCommands
from tetra.data.store_kind import StoreKind
from tetra.testing import bars_frame

pytestmark = pytest.mark.anyio


@pytest.fixture
def hosted_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DuckDBStore]:
    """The live store of a data folder, hosted in this process as the server hosts it."""
    for name in ("TETRA_STORE_URL", "TETRA_SAMPLE_STORE_URL", "TETRA_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "data" / "tetra.duckdb"
    store = open_store(str(path), StoreKind.LIVE)
    assert isinstance(store, DuckDBStore)
    store.upsert("market_data.ohlcv", bars_frame(["AAA"], start="2024-01-02", periods=5))
    serving.host(path, store)
    try:
        yield store
    finally:
        serving.unhost(path)
        store.close()


async def finished(client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 120
    while True:
        job: dict[str, Any] = (await client.get(f"/api/jobs/{job_id}")).json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        assert asyncio.get_running_loop().time() < deadline, f"{job_id} still {job['status']}"
        await asyncio.sleep(0.05)


async def test_a_handed_over_command_runs_on_the_served_store_and_keeps_its_output(
    hosted_store: DuckDBStore,
) -> None:
    app = create_app(hosted_store, api_key=KEY, commands=HostedCommands())
    async with api_client(app) as client:
        accepted = await client.post("/api/jobs/commands", json={"argv": ["store", "info"]})
        job = await finished(client, accepted.json()["job_id"])
        later = (await client.get(f"/api/jobs/{job['job_id']}?output_from=1")).json()
        listed = (await client.get("/api/jobs")).json()

    assert accepted.status_code == 202
    assert accepted.json()["status"] == "queued"
    assert (job["status"], job["exit_code"]) == ("done", 0)
    said = "".join(chunk["text"] for chunk in job["output"])
    assert "market_data.ohlcv" in said
    assert "5" in said
    assert job["output_next"] == len(job["output"])
    assert later["output"] == job["output"][1:]  # read on from an offset
    assert [(j["job_id"], j["kind"]) for j in listed] == [(job["job_id"], "command")]
    assert hosted_store.count("market_data.ohlcv") == 5  # the store is still open


async def test_a_failing_command_is_failed_with_its_exit_code_and_message(
    hosted_store: DuckDBStore,
) -> None:
    app = create_app(hosted_store, api_key=KEY, commands=HostedCommands())
    async with api_client(app) as client:
        accepted = await client.post(
            "/api/jobs/commands", json={"argv": ["pipeline", "--source", "nowhere"]}
        )
        job = await finished(client, accepted.json()["job_id"])

    assert (job["status"], job["exit_code"]) == ("failed", 2)
    errors = "".join(c["text"] for c in job["output"] if c["stream"] == "err")
    assert "unknown source 'nowhere'" in errors


async def test_commands_the_server_does_not_take_are_a_422_and_no_runner_is_a_503(
    hosted_store: DuckDBStore,
) -> None:
    with_runner = create_app(hosted_store, api_key=KEY, commands=HostedCommands())
    without = create_app(hosted_store, api_key=KEY)
    async with api_client(with_runner) as client:
        refused = await client.post("/api/jobs/commands", json={"argv": ["trade", "halt"]})
        empty = await client.post("/api/jobs/commands", json={"argv": []})
        unknown = await client.get("/api/jobs/cmd-nope")
        offered = (await client.get("/api/jobs/commands")).json()["commands"]
    async with api_client(without) as client:
        no_runner = await client.post("/api/jobs/commands", json={"argv": ["store", "info"]})

    error = assert_error_model(refused, 422, "invalid_request")
    assert "does not run `tetra trade halt`" in error["details"][0]["msg"]
    assert_error_model(empty, 422, "invalid_request")
    assert_error_model(unknown, 404, "not_found")
    assert {"pipeline", "cycle run", "report sod", "schedule after-run"} <= set(offered)
    assert no_runner.status_code == 503


async def test_commands_run_one_at_a_time_a_queued_one_cancels_a_running_one_finishes(
    hosted_store: DuckDBStore,
) -> None:
    app = create_app(hosted_store, api_key=KEY, commands=HostedCommands())
    slow = ["pipeline", "--source", "sample", "--mode", "backfill", "--days", "5"]
    slow += ["--symbols", "SPY", "--steps", "market_data"]
    async with api_client(app) as client:
        first = (await client.post("/api/jobs/commands", json={"argv": slow})).json()
        second = (await client.post("/api/jobs/commands", json={"argv": ["store", "info"]})).json()
        waiting = (await client.get(f"/api/jobs/{second['job_id']}")).json()
        cancelled = await client.delete(f"/api/jobs/{second['job_id']}")
        running = await client.delete(f"/api/jobs/{first['job_id']}")
        done = await finished(client, first["job_id"])
        after = await finished(client, second["job_id"])
        again = await client.delete(f"/api/jobs/{first['job_id']}")

    assert waiting["status"] == "queued"  # behind the pipeline run
    assert cancelled.status_code == 202
    assert cancelled.json()["status"] == "cancelled"
    assert_error_model(running, 409, "conflict")
    assert (done["status"], done["exit_code"]) == ("done", 0)
    assert (after["status"], after["output"]) == ("cancelled", [])
    assert_error_model(again, 409, "conflict")
