"""`WS /ws/monitor` and the event hub, against a real uvicorn server on 127.0.0.1.

httpx has no WebSocket support, so the app runs in uvicorn in a background thread on a
free port, and the tests talk to it with the `websockets` client. The Redis tests use the
server on 127.0.0.1:6379 (`make test` starts it): skipped when it is unreachable, failed
when ``CI`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tetra.adapters.stores import open_store
from tetra.api.app import create_app
from tetra.api.events import EventHub
from tetra.api.publish import PipelineEvents, publish_sync
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.testing import bars_frame

KEY = "live-test-key"
REDIS_URL = os.environ.get("TETRA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WAIT = 30.0

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class Server:
    app: FastAPI
    base: str

    @property
    def socket_url(self) -> str:
        return self.base.replace("http://", "ws://") + "/ws/monitor"

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, headers={"X-API-Key": KEY}, timeout=WAIT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[Server]:
    """Run `app` in uvicorn on a free loopback port until the block ends."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield Server(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(WAIT)


def redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis is unreachable at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(str(tmp_path / "live.duckdb"), StoreKind.LIVE)
    store.upsert("market_data.ohlcv", bars_frame(("AAA", "BBB"), start="2023-01-02", periods=120))
    yield store
    store.close()


@pytest.fixture
def server(bars_store: Store) -> Iterator[Server]:
    with serving(create_app(bars_store, api_key=KEY)) as running:
        yield running


@pytest.fixture
def redis_server(bars_store: Store) -> Iterator[Server]:
    redis_or_skip()
    with serving(create_app(bars_store, api_key=KEY, redis_url=REDIS_URL)) as running:
        yield running


@contextlib.asynccontextmanager
async def monitor(server: Server, **options: Any) -> AsyncIterator[ClientConnection]:
    """Connect with the key as a query parameter and read the hello message."""
    async with connect(f"{server.socket_url}?key={KEY}", **options) as socket_:
        hello = json.loads(await asyncio.wait_for(socket_.recv(), WAIT))
        assert hello["type"] == "hello"
        yield socket_


async def next_event(socket_: ClientConnection, kind: str) -> dict[str, Any]:
    """Return the next message of type `kind`, skipping others."""
    while True:
        event: dict[str, Any] = json.loads(await asyncio.wait_for(socket_.recv(), WAIT))
        if event["type"] == kind:
            return event


async def close_code(url: str, **options: Any) -> int | None:
    async with connect(url, **options) as socket_:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket_.recv(), WAIT)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def run_body() -> dict[str, Any]:
    return {
        "strategy": "sma_crossover",
        "symbols": ["AAA", "BBB"],
        "start": "2023-01-02",
        "end": dt.date(2023, 12, 31).isoformat(),
        "params": {"fast": 5, "slow": 20},
        "cash": 100_000.0,
    }


async def test_hello_names_the_store_kind(server: Server) -> None:
    async with connect(f"{server.socket_url}?key={KEY}") as socket_:
        hello = json.loads(await asyncio.wait_for(socket_.recv(), WAIT))

    assert hello["type"] == "hello"
    assert hello["store_kind"] == "live"


@pytest.mark.parametrize("suffix", ["", "?key=wrong"])
async def test_wrong_or_missing_key_closes_the_socket_with_4401(
    server: Server, suffix: str
) -> None:
    assert await close_code(server.socket_url + suffix) == 4401


async def test_key_in_the_header_is_accepted(server: Server) -> None:
    async with connect(server.socket_url, additional_headers={"X-API-Key": KEY}) as socket_:
        hello = json.loads(await asyncio.wait_for(socket_.recv(), WAIT))

    assert hello["type"] == "hello"


async def test_wrong_key_in_the_header_closes_with_4401(server: Server) -> None:
    code = await close_code(server.socket_url, additional_headers={"X-API-Key": "nope"})

    assert code == 4401


async def test_ping_is_answered_with_pong(server: Server) -> None:
    async with monitor(server) as socket_:
        await socket_.send("ping")
        text_pong = await next_event(socket_, "pong")
        await socket_.send(json.dumps({"type": "ping"}))
        json_pong = await next_event(socket_, "pong")
        await socket_.ping()  # protocol-level keepalive is answered by the server too

    assert text_pong == json_pong == {"type": "pong"}


async def test_backtest_progress_arrives_in_order_then_coverage_changed(server: Server) -> None:
    async with monitor(server) as socket_, server.client() as client:
        accepted = await client.post("/api/backtests/runs", json=run_body())
        run_id = accepted.json()["run_id"]
        events = []
        while not events or events[-1]["status"] not in ("done", "failed"):
            event = await next_event(socket_, "backtest")
            if event["run_id"] == run_id:
                events.append(event)
        changed = await next_event(socket_, "coverage_changed")

    statuses = [e["status"] for e in events]
    assert statuses[0] == "queued"
    assert statuses[-1] == "done"
    assert set(statuses[1:-1]) == {"running"}
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress)
    assert (progress[0], progress[-1]) == (0.0, 1.0)
    assert changed["cause"] == "backtest"


async def test_every_socket_receives_every_event(server: Server) -> None:
    async with monitor(server) as first, monitor(server) as second, server.client() as client:
        accepted = await client.post("/api/backtests/runs", json=run_body())
        received = [await next_event(s, "backtest") for s in (first, second)]

    run_id = accepted.json()["run_id"]
    assert [(e["run_id"], e["status"]) for e in received] == [(run_id, "queued")] * 2


async def test_disconnect_unsubscribes_the_socket(server: Server) -> None:
    hub: EventHub = server.app.state.hub
    before = len(hub._subscribers)
    async with monitor(server):
        assert len(hub._subscribers) == before + 1

    deadline = time.monotonic() + WAIT
    while len(hub._subscribers) != before:
        assert time.monotonic() < deadline, "the closed socket stayed subscribed"
        await asyncio.sleep(0.01)


async def test_redis_relays_an_event_of_another_hub_to_this_hubs_subscribers() -> None:
    redis_or_skip()
    here, there = EventHub(), EventHub()
    await here.connect_redis(REDIS_URL)
    await there.connect_redis(REDIS_URL)
    try:
        queue = here.subscribe()
        await asyncio.sleep(0.1)  # let both subscriptions reach Redis
        await there.publish({"type": "pipeline", "run_id": "elsewhere", "step": "crypto"})
        event = await asyncio.wait_for(queue.get(), WAIT)
    finally:
        await here.close()
        await there.close()

    assert event == {"type": "pipeline", "run_id": "elsewhere", "step": "crypto"}


async def test_a_cli_pipeline_run_reaches_the_socket_then_coverage_changes(
    redis_server: Server,
) -> None:
    run = PipelineEvents(REDIS_URL, run_id="cli-test")
    async with monitor(redis_server) as socket_:
        await asyncio.sleep(0.1)  # the app's Redis subscription is up before `started`
        await asyncio.to_thread(run.progress, "market_data", 3, 10)
        progress = await next_event(socket_, "pipeline")
        await asyncio.to_thread(run.finished, "success")
        finished = await next_event(socket_, "pipeline")
        changed = await next_event(socket_, "coverage_changed")

    assert progress == {
        "type": "pipeline",
        "run_id": "cli-test",
        "step": "market_data",
        "done": 3,
        "total": 10,
    }
    assert (finished["status"], finished["outcome"]) == ("finished", "success")
    assert (changed["cause"], changed["run_id"]) == ("pipeline", "cli-test")


async def test_publish_sync_reaches_the_socket(redis_server: Server) -> None:
    async with monitor(redis_server) as socket_:
        await asyncio.sleep(0.1)
        await asyncio.to_thread(publish_sync, REDIS_URL, {"type": "note", "at": "now"})
        event = await next_event(socket_, "note")

    assert event == {"type": "note", "at": "now"}


def test_pipeline_events_without_a_url_do_nothing() -> None:
    run = PipelineEvents(None)

    run.progress("market_data", 1, 2)
    run.finished("success")

    assert run.run_id.startswith("cli-")


def test_pipeline_events_survive_an_unreachable_redis() -> None:
    run = PipelineEvents("redis://127.0.0.1:1/0")

    run.progress("market_data", 1, 2)  # logs a warning and stops publishing
    run.finished("failed")
