"""`BrokerStream`: the WebSocket client a broker's order-event stream runs on.

A background thread connects to the broker's stream URL with WebSocket pings every
`heartbeat_seconds / 2` (a silent disconnect ends the session), lets the subclass open the
session (`_handshake`: authenticate, subscribe, check the answers), then hands every frame to
`_on_frame` until the socket closes or `_on_frame` ends the session. While it is not ready,
`health()` is unhealthy with the reason (the order manager refuses to send through it); it
reconnects with backoff, counts restored connections in ``tetra_broker_reconnects`` and calls
`on_reconnect`, so the composition root reconciles what was missed while it was away.

What each broker says on the wire (its handshake, its events) stays in ``<broker>/stream.py``;
`frame_json` decodes a text or binary frame for them.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from tetra.core.telemetry import telemetry
from tetra.execution.broker import Health


class StreamSettings(Protocol):
    """What the stream reads of a broker's config."""

    @property
    def stream(self) -> str: ...

    @property
    def heartbeat_seconds(self) -> float: ...


class StreamedBroker(Protocol):
    """What the stream needs of the broker it feeds."""

    stream_health: Callable[[], Health] | None

    @property
    def name(self) -> str: ...

    @property
    def config(self) -> StreamSettings: ...


BrokerT = TypeVar("BrokerT", bound=StreamedBroker)


class BrokerStream(ABC, Generic[BrokerT]):
    """One account's event stream (see the module docstring); subclasses speak the protocol."""

    thread_name: ClassVar[str]
    """The background thread's name."""
    description: ClassVar[str]
    """What the stream is, as the unhealthy reason names it ("<description> down: ...")."""

    def __init__(
        self,
        broker: BrokerT,
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
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        broker.stream_health = self.health

    def start(self) -> Self:
        """Start the background thread."""
        self._thread.start()
        return self

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Block until the handshake has succeeded (or `timeout`); return whether it has."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Close the socket and stop the thread."""
        self._stopping.set()
        if self._socket is not None:
            self._socket.close()
        self._thread.join(timeout=5)

    def health(self) -> Health:
        """Healthy while connected and past the handshake; else why not."""
        if self._connected.is_set():
            return Health(True)
        return Health(False, f"{self.description} down: {self._reason}")

    # -- what each broker says ---------------------------------------------------------------

    @abstractmethod
    def _handshake(self, socket: ClientConnection) -> None:
        """Open the session on a fresh socket; raise ValueError if the broker refuses."""

    @abstractmethod
    def _on_frame(self, frame: str | bytes) -> bool:
        """Handle one frame; return False to end the session (the stream then reconnects)."""

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
            self._handshake(socket)
            self._ready()
            for frame in socket:
                if not self._on_frame(frame):
                    break
        self._reason = "connection closed"

    def _ready(self) -> None:
        self.connections += 1
        self._connected.set()
        if self.connections > 1:
            telemetry().increment("tetra_broker_reconnects", {"broker": self.broker.name})
            if self.on_reconnect is not None:
                self.on_reconnect()


def frame_json(frame: str | bytes) -> dict[str, Any]:
    """Decode a text or binary frame holding a JSON object (anything else reads as ``{}``)."""
    text = frame.decode() if isinstance(frame, bytes) else frame
    parsed = json.loads(text)
    return parsed if isinstance(parsed, dict) else {}
