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
stream (a `BrokerStream`) then reports unhealthy (the order manager refuses to send through
it) and reconnects with backoff, calling `on_reconnect` once subscribed again, so the
composition root reconciles what was missed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from websockets.sync.client import ClientConnection

from tetra.adapters.brokers.binance.execution import BinanceBroker
from tetra.adapters.brokers.binance.parsing import execution_report
from tetra.adapters.brokers.stream import BrokerStream, frame_json

SUBSCRIBE = "userDataStream.subscribe.signature"


class BinanceStream(BrokerStream[BinanceBroker]):
    """The user data stream of one account (see the module docstring)."""

    thread_name = "binance-stream"
    description = "binance user data stream"

    def wait_subscribed(self, timeout: float = 5.0) -> bool:
        """Block until the subscription is acknowledged (or `timeout`); return whether it is."""
        return self.wait_ready(timeout)

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

    def _handshake(self, socket: ClientConnection) -> None:
        request = self.subscription()
        socket.send(json.dumps(request))
        answer = frame_json(socket.recv())
        if answer.get("id") != request["id"] or answer.get("status") != 200:
            error = answer.get("error", {})
            raise ValueError(f"subscription refused: {error.get('code')} {error.get('msg')}")

    def _on_frame(self, frame: str | bytes) -> bool:
        """Hand an order event to the broker; return False when the stream was terminated."""
        event = frame_json(frame).get("event")
        if not isinstance(event, dict):
            return True
        if event.get("e") == "eventStreamTerminated":
            self._reason = "event stream terminated by Binance"
            return False
        found = execution_report(event)
        if found is not None:
            self.broker.accept_event(found)
        return True
