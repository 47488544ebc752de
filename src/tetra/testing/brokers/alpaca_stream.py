"""`FakeAlpacaStream`: Alpaca's ``trade_updates`` WebSocket on loopback, fed by a FakeAlpaca.

It speaks the stream's protocol (``authenticate`` -> ``authorization``/``authorized``,
``listen`` -> ``listening``) and sends every venue event as a binary ``trade_updates`` frame
(as the paper stream does), with the order object, ``execution_id``, ``price`` and ``qty`` of
fills. Faults: `duplicate` sends each event twice; `drop()` closes every connection and
refuses new ones until `restore()`; events while it is down are lost (as a dead socket
loses them), which is what reconciliation after the reconnect is for.
"""

from __future__ import annotations

import json
import threading
from types import TracebackType
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tetra.execution.broker import BrokerEvent
from tetra.execution.orders import OrderStatus
from tetra.testing.brokers.alpaca import KEY_ID, SECRET, FakeAlpaca

__all__ = ["FakeAlpacaStream"]

S = OrderStatus
_EVENTS = {
    S.ACCEPTED: "new",
    S.PARTIALLY_FILLED: "partial_fill",
    S.FILLED: "fill",
    S.CANCELLED: "canceled",
    S.EXPIRED: "expired",
    S.REJECTED: "rejected",
}


class FakeAlpacaStream:
    """The trade_updates stream of a `FakeAlpaca` (see the module docstring)."""

    def __init__(self, fake: FakeAlpaca) -> None:
        self.fake = fake
        self.duplicate = False
        self.sent = 0
        self._up = threading.Event()
        self._up.set()
        self._clients: list[ServerConnection] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: Server = serve(self._handle, "127.0.0.1", 0)
        self._threads = [
            threading.Thread(target=self._server.serve_forever, daemon=True),
            threading.Thread(target=self._pump, daemon=True),
        ]

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/stream"

    def drop(self) -> None:
        """Close every connection and refuse new ones until `restore`."""
        self._up.clear()
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    def restore(self) -> None:
        """Accept connections again."""
        self._up.set()

    def __enter__(self) -> FakeAlpacaStream:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._server.shutdown()

    # -- the server ------------------------------------------------------------------------

    def _handle(self, client: ServerConnection) -> None:
        if not self._up.is_set():
            client.close(1013, "try again later")
            return
        try:
            auth = json.loads(client.recv())
            data = auth.get("data", {})
            ok = data.get("key_id") == KEY_ID and data.get("secret_key") == SECRET
            status = "authorized" if ok else "unauthorized"
            reply = {
                "stream": "authorization",
                "data": {"status": status, "action": "authenticate"},
            }
            client.send(json.dumps(reply))
            if not ok:
                return
            json.loads(client.recv())  # listen
            client.send(json.dumps({"stream": "listening", "data": {"streams": ["trade_updates"]}}))
            with self._lock:
                self._clients.append(client)
            client.wait_closed()
        except ConnectionClosed:
            return

    def _pump(self) -> None:
        while not self._stopping.wait(0.01):
            for event in self.fake.venue.events():
                if not self._up.is_set():
                    continue  # lost with the dead socket
                frame = json.dumps(self._message(event)).encode()
                for _ in range(2 if self.duplicate else 1):
                    self._broadcast(frame)

    def _broadcast(self, frame: bytes) -> None:
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            try:
                client.send(frame)
                self.sent += 1
            except ConnectionClosed:
                continue

    def _message(self, event: BrokerEvent) -> dict[str, Any]:
        found = self.fake.venue.placed(event.client_order_id)
        order = (
            self.fake.order_json(*found) if found else {"client_order_id": event.client_order_id}
        )
        name = _EVENTS.get(event.status, "new")
        if event.status is S.CANCELLED and event.client_order_id in self.fake.replaced_by:
            name = "replaced"
        data: dict[str, Any] = {
            "event": name,
            "timestamp": event.at.isoformat().replace("+00:00", "Z"),
            "order": order,
        }
        if event.fill is not None:
            data |= {
                "execution_id": event.fill.execution_id,
                "price": f"{event.fill.price:f}",
                "qty": f"{event.fill.quantity:f}",
            }
        return {"stream": "trade_updates", "data": data}
