"""`BinanceStream`: the user data stream over Binance's WebSocket API, feeding a `BinanceBroker`.

Binance retired the REST ``listenKey`` for spot; order updates now come from the WebSocket API
(``wss://ws-api.binance.com:443/ws-api/v3``, testnet ``ws-api.testnet.binance.vision``) after a
``userDataStream.subscribe.signature`` request: ``apiKey``, ``timestamp`` and ``recvWindow``
signed with the HMAC secret (parameters sorted by name, as the WebSocket API signs), which
needs no Ed25519 key and no ``session.logon``. The answer is ``{"id", "status": 200,
"result": {"subscriptionId"}}``; then every event arrives as ``{"subscriptionId", "event"}``.
``executionReport`` events become order events (`parsing.execution_report`), handed to
`BinanceBroker.accept_event` (fills deduplicated by trade id).

Keepalive: no listen key to renew; WebSocket pings every `heartbeat_seconds / 2` detect a
silent disconnect, and ``eventStreamTerminated`` or a closed socket ends the session. The
stream then reports unhealthy (the order manager refuses to send through it) and reconnects
with backoff, calling `on_reconnect` once subscribed again, so the composition root
reconciles what was missed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from tetra.adapters.brokers.binance.execution import BinanceBroker
from tetra.adapters.brokers.binance.parsing import execution_report
from tetra.core.telemetry import telemetry
from tetra.execution.broker import Health

SUBSCRIBE = "userDataStream.subscribe.signature"


class BinanceStream:
    """The user data stream of one account (see the module docstring)."""

    def __init__(
        self,
        broker: BinanceBroker,
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
        self._thread = threading.Thread(target=self._run, name="binance-stream", daemon=True)
        broker.stream_health = self.health

    def start(self) -> BinanceStream:
        """Start the background thread."""
        self._thread.start()
        return self

    def wait_subscribed(self, timeout: float = 5.0) -> bool:
        """Block until the subscription is acknowledged (or `timeout`); return whether it is."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Close the socket and stop the thread."""
        self._stopping.set()
        if self._socket is not None:
            self._socket.close()
        self._thread.join(timeout=5)

    def health(self) -> Health:
        """Healthy while subscribed; else why not."""
        if self._connected.is_set():
            return Health(True)
        return Health(False, f"binance user data stream down: {self._reason}")

    def subscription(self) -> dict[str, Any]:
        """Return the signed ``userDataStream.subscribe.signature`` request."""
        config = self.broker.config
        params: dict[str, Any] = {
            "apiKey": config.api_key,
            "recvWindow": config.recv_window_ms,
            "timestamp": int(self.broker.clock.now().timestamp() * 1000),
        }
        payload = urlencode(sorted(params.items())).encode()
        secret = config.secret_key.encode()
        params["signature"] = hmac.new(secret, payload, hashlib.sha256).hexdigest()
        return {"id": str(uuid.uuid4()), "method": SUBSCRIBE, "params": params}

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
        interval = self.broker.config.heartbeat_seconds / 2
        with connect(
            self.broker.config.stream, ping_interval=interval, ping_timeout=interval
        ) as socket:
            self._socket = socket
            request = self.subscription()
            socket.send(json.dumps(request))
            answer = _message(socket.recv())
            if answer.get("id") != request["id"] or answer.get("status") != 200:
                error = answer.get("error", {})
                raise ValueError(f"subscription refused: {error.get('code')} {error.get('msg')}")
            self._subscribed()
            for frame in socket:
                if not self._on_frame(frame):
                    break
        self._reason = "connection closed"

    def _subscribed(self) -> None:
        self.connections += 1
        self._connected.set()
        if self.connections > 1:
            telemetry().increment("tetra_broker_reconnects", {"broker": self.broker.name})
            if self.on_reconnect is not None:
                self.on_reconnect()

    def _on_frame(self, frame: str | bytes) -> bool:
        """Hand an order event to the broker; return False when the stream was terminated."""
        event = _message(frame).get("event")
        if not isinstance(event, dict):
            return True
        if event.get("e") == "eventStreamTerminated":
            self._reason = "event stream terminated by Binance"
            return False
        found = execution_report(event)
        if found is not None:
            self.broker.accept_event(found)
        return True


def _message(frame: str | bytes) -> dict[str, Any]:
    text = frame.decode() if isinstance(frame, bytes) else frame
    parsed = json.loads(text)
    return parsed if isinstance(parsed, dict) else {}
