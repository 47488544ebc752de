"""`AlpacaStream`: the ``trade_updates`` WebSocket, feeding an `AlpacaBroker`'s events.

A background thread (`BrokerStream`) connects to ``<host>/stream``, authenticates
(``action: authenticate``, waits for ``status: authorized``), listens to ``trade_updates``
(waits for the ``listening`` answer) and hands every order event to
`AlpacaBroker.accept_event` (which drops fills seen before, by execution id). Frames may be
text or binary (the paper stream sends binary). WebSocket pings every `heartbeat_seconds / 2`
detect a silent disconnect; the stream then reports unhealthy (the order manager refuses to
send through it) and reconnects with backoff, calling `on_reconnect` once it listens again,
so the composition root reconciles whatever was missed while it was away.
"""

from __future__ import annotations

import json

from websockets.sync.client import ClientConnection

from tetra.adapters.brokers.alpaca.execution import AlpacaBroker
from tetra.adapters.brokers.alpaca.parsing import trade_update
from tetra.adapters.brokers.stream import BrokerStream, frame_json


class AlpacaStream(BrokerStream[AlpacaBroker]):
    """The trade_updates stream of one account (see the module docstring)."""

    thread_name = "alpaca-stream"
    description = "trade_updates stream"

    def wait_listening(self, timeout: float = 5.0) -> bool:
        """Block until the stream listens (or `timeout`); return whether it does."""
        return self.wait_ready(timeout)

    def _handshake(self, socket: ClientConnection) -> None:
        config = self.broker.config
        auth = {"key_id": config.key_id, "secret_key": config.secret_key}
        socket.send(json.dumps({"action": "authenticate", "data": auth}))
        if frame_json(socket.recv()).get("data", {}).get("status") != "authorized":
            raise ValueError("trade_updates: not authorized")
        socket.send(json.dumps({"action": "listen", "data": {"streams": ["trade_updates"]}}))
        if frame_json(socket.recv()).get("stream") != "listening":
            raise ValueError("trade_updates: listen was not acknowledged")

    def _on_frame(self, frame: str | bytes) -> bool:
        message = frame_json(frame)
        if message.get("stream") != "trade_updates":
            return True
        event = trade_update(message.get("data", {}))
        if event is not None:
            self.broker.accept_event(event)
        return True
