"""`AlpacaStream`: the ``trade_updates`` WebSocket, feeding an `AlpacaBroker`'s events.

A background thread connects to ``<host>/stream``, authenticates (``action: authenticate``,
waits for ``status: authorized``), listens to ``trade_updates`` and hands every order event
to `AlpacaBroker.accept_event` (which drops fills seen before, by execution id). Frames may be
text or binary (the paper stream sends binary). WebSocket pings every `heartbeat_seconds / 2`
detect a silent disconnect; the stream then reports unhealthy (the order manager refuses to
send through it) and reconnects with backoff, calling `on_reconnect` once it listens again,
so the composition root reconciles whatever was missed while it was away.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from tetra.adapters.brokers.alpaca.execution import AlpacaBroker
from tetra.adapters.brokers.alpaca.parsing import trade_update
from tetra.core.telemetry import telemetry
from tetra.execution.broker import Health


class AlpacaStream:
    """The trade_updates stream of one account (see the module docstring)."""

    def __init__(
        self,
        broker: AlpacaBroker,
        *,
        on_reconnect: Callable[[], None] | None = None,
        backoff_seconds: float = 1.0,
    ) -> None:
        self.broker = broker
        self.on_reconnect = on_reconnect
        self.backoff_seconds = backoff_seconds
        self.connections = 0
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._reason = "not connected yet"
        self._socket: ClientConnection | None = None
        self._thread = threading.Thread(target=self._run, name="alpaca-stream", daemon=True)
        broker.stream_health = self.health

    def start(self) -> AlpacaStream:
        """Start the background thread."""
        self._thread.start()
        return self

    def wait_listening(self, timeout: float = 5.0) -> bool:
        """Block until the stream listens (or `timeout`); return whether it does."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Close the socket and stop the thread."""
        self._stopping.set()
        if self._socket is not None:
            self._socket.close()
        self._thread.join(timeout=5)

    def health(self) -> Health:
        """Healthy while connected and listening; else why not."""
        if self._connected.is_set():
            return Health(True)
        return Health(False, f"trade_updates stream down: {self._reason}")

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._session()
            except (OSError, WebSocketException, ValueError) as error:
                self._reason = f"{type(error).__name__}: {error}"
            self._connected.clear()
            self._stopping.wait(self.backoff_seconds)

    def _session(self) -> None:
        config = self.broker.config
        interval = config.heartbeat_seconds / 2
        with connect(config.stream, ping_interval=interval, ping_timeout=interval) as socket:
            self._socket = socket
            auth = {"key_id": config.key_id, "secret_key": config.secret_key}
            socket.send(json.dumps({"action": "authenticate", "data": auth}))
            if _message(socket.recv()).get("data", {}).get("status") != "authorized":
                raise ValueError("trade_updates: not authorized")
            socket.send(json.dumps({"action": "listen", "data": {"streams": ["trade_updates"]}}))
            if _message(socket.recv()).get("stream") != "listening":
                raise ValueError("trade_updates: listen was not acknowledged")
            self.connections += 1
            self._connected.set()
            if self.connections > 1:
                telemetry().increment("tetra_broker_reconnects", {"broker": self.broker.name})
                if self.on_reconnect is not None:
                    self.on_reconnect()
            for frame in socket:
                self._on_frame(frame)
        self._reason = "connection closed"

    def _on_frame(self, frame: str | bytes) -> None:
        message = _message(frame)
        if message.get("stream") != "trade_updates":
            return
        event = trade_update(message.get("data", {}))
        if event is not None:
            self.broker.accept_event(event)


def _message(frame: str | bytes) -> dict[str, Any]:
    text = frame.decode() if isinstance(frame, bytes) else frame
    parsed = json.loads(text)
    return parsed if isinstance(parsed, dict) else {}
