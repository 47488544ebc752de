"""Live updates: `WS /ws/monitor` forwards every hub event, and the coverage watcher.

The socket takes the API key as a ``key`` query parameter (browsers cannot set headers on
a WebSocket) or an ``X-API-Key`` header; a wrong or missing key is accepted then closed
with code 4401, so the client can tell it from a network failure. Messages, all JSON:
``{"type": "hello", ...}`` first, then every hub event as published, a ``keepalive``
after quiet periods, and ``{"type": "pong"}`` for a client's ``ping`` (text or JSON).

The watcher (this router's lifespan) clears the coverage cache on ``coverage_changed``
and, when a pipeline run announces it finished (possibly from another process, through
Redis), clears it and tells this process's clients ``coverage_changed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tetra import __version__
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.events import Event, EventHub

log = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
KEEPALIVE_SECONDS = 25.0
FINISHED = frozenset({"finished", "done", "success", "partial", "failed"})


@asynccontextmanager
async def watch_coverage(app: FastAPI) -> AsyncIterator[None]:
    """Run the coverage watcher while the app runs."""
    task = asyncio.create_task(_watch(app))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


router = APIRouter(tags=["live"], responses=ERROR_RESPONSES, lifespan=watch_coverage)


async def _watch(app: FastAPI) -> None:
    hub: EventHub = app.state.hub
    queue = hub.subscribe()
    try:
        while True:
            event = await queue.get()
            if event.get("type") == "coverage_changed":
                app.state.cache.clear()
            elif event.get("type") == "pipeline" and event.get("status") in FINISHED:
                app.state.cache.clear()
                changed = {"type": "coverage_changed", "cause": "pipeline"}
                hub.deliver({**changed, "run_id": event.get("run_id")})
    finally:
        hub.unsubscribe(queue)


def key_is_valid(websocket: WebSocket) -> bool:
    """Compare the ``key`` parameter or ``X-API-Key`` header with the API key, in constant time."""
    given = websocket.query_params.get("key") or websocket.headers.get("x-api-key")
    expected: str = websocket.app.state.api_key
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


async def monitor_socket(websocket: WebSocket) -> None:
    """Send a hello, then every hub event as JSON, until the client goes away."""
    await websocket.accept()
    if not key_is_valid(websocket):
        await websocket.close(code=CLOSE_UNAUTHORIZED, reason="missing or wrong API key")
        return
    hub: EventHub = websocket.app.state.hub
    queue = hub.subscribe()
    try:
        await websocket.send_json(_hello(websocket))
        await _pump(websocket, queue)
    finally:
        hub.unsubscribe(queue)


# A plain Starlette route: the router's API-key dependency would answer a socket with an
# HTTP error, and the key check above needs to close with 4401 instead.
router.routes.append(WebSocketRoute("/ws/monitor", monitor_socket, name="monitor_socket"))


def _hello(websocket: WebSocket) -> Event:
    store = websocket.app.state.store
    return {"type": "hello", "version": __version__, "store_kind": store.kind.value}


async def _pump(websocket: WebSocket, queue: asyncio.Queue[Event]) -> None:
    """Forward events and listen for the client at once; stop when either side ends."""
    tasks = {
        asyncio.create_task(_forward(websocket, queue)),
        asyncio.create_task(_listen(websocket, queue)),
    }
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    for task in pending | done:
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await task


async def _forward(websocket: WebSocket, queue: asyncio.Queue[Event]) -> None:
    while True:
        try:
            event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
        except TimeoutError:
            event = {"type": "keepalive"}
        await websocket.send_text(json.dumps(event, default=str))


async def _listen(websocket: WebSocket, queue: asyncio.Queue[Event]) -> None:
    """Answer pings through the queue, so that one task alone writes to the socket."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if _is_ping(message.get("text") or ""):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait({"type": "pong"})


def _is_ping(message: str) -> bool:
    if message.strip().lower() == "ping":
        return True
    try:
        parsed = json.loads(message)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("type") == "ping"
