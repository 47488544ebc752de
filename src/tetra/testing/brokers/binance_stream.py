"""`FakeBinanceStream`: Binance's WebSocket API user data stream on loopback, fed by a FakeBinance.

It answers ``userDataStream.subscribe.signature`` as Binance does: the ``apiKey`` must be the
fake's and the ``signature`` the HMAC-SHA256 of the other parameters sorted by name (else
``status`` 400 with -1022, or 401 with -2015), then ``{"id", "status": 200, "result":
{"subscriptionId": 0}}``. Every venue event is then sent as ``{"subscriptionId": 0, "event":
{executionReport}}`` with Binance's one-letter fields (a cancel names the cancelled order in
``C``; a trade carries ``l``, ``L``, ``t``, ``n``). Faults: `duplicate` sends each event twice;
`drop()` closes every connection and refuses new ones until `restore()` (events meanwhile are
lost, as with a dead socket); `terminate()` sends ``eventStreamTerminated``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tetra.execution.broker import BrokerEvent
from tetra.execution.orders import OrderStatus
from tetra.testing.brokers.binance import _STATUS, API_KEY, QUOTE, SECRET_KEY, FakeBinance

__all__ = ["FakeBinanceStream"]

S = OrderStatus
_KINDS = {S.CANCELLED: "CANCELED", S.EXPIRED: "EXPIRED", S.REJECTED: "REJECTED"}


class FakeBinanceStream:
    """The user data stream of a `FakeBinance` (see the module docstring)."""

    def __init__(self, fake: FakeBinance) -> None:
        self.fake = fake
        self.duplicate = False
        self.subscriptions = 0
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
        return f"ws://{host}:{port}/ws-api/v3"

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

    def terminate(self) -> None:
        """Tell every subscriber its event stream ended (as Binance does before a restart)."""
        self._broadcast(json.dumps({"subscriptionId": 0, "event": {
            "e": "eventStreamTerminated", "E": self.fake.ms()}}))  # fmt: skip

    def __enter__(self) -> FakeBinanceStream:
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
            request = json.loads(client.recv())
            status, body = self._answer(request)
            client.send(json.dumps({"id": request.get("id"), "status": status, **body}))
            if status != 200:
                return
            with self._lock:
                self._clients.append(client)
            client.wait_closed()
        except ConnectionClosed:
            return

    def _answer(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if request.get("method") != "userDataStream.subscribe.signature":
            return 400, {"error": {"code": -1020, "msg": "Unsupported operation."}}
        params = dict(request.get("params") or {})
        signature = str(params.pop("signature", ""))
        if params.get("apiKey") != API_KEY:
            return 401, {"error": {"code": -2015, "msg": "Invalid API-key, IP, or permissions."}}
        payload = urlencode(sorted(params.items())).encode()
        expected = hmac.new(SECRET_KEY.encode(), payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            return 400, {
                "error": {"code": -1022, "msg": "Signature for this request is not valid."}
            }
        self.subscriptions += 1
        return 200, {"result": {"subscriptionId": 0}}

    def _pump(self) -> None:
        while not self._stopping.wait(0.01):
            for event in self.fake.venue.events():
                if not self._up.is_set():
                    continue  # lost with the dead socket
                frame = json.dumps({"subscriptionId": 0, "event": self._report(event)})
                for _ in range(2 if self.duplicate else 1):
                    self._broadcast(frame)

    def _broadcast(self, frame: str) -> None:
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            try:
                client.send(frame)
            except ConnectionClosed:
                continue

    def _report(self, event: BrokerEvent) -> dict[str, Any]:
        """Return Binance's ``executionReport`` of one venue event."""
        found = self.fake.venue.placed(event.client_order_id)
        if found is None:
            raise ValueError(f"no order {event.client_order_id} at the venue")
        view, order = found
        cancelled = event.status in _KINDS
        fill = event.fill
        report: dict[str, Any] = {
            "e": "executionReport", "E": self.fake.ms(), "s": order.symbol + QUOTE,
            "c": f"cancel-{order.client_order_id}" if cancelled else order.client_order_id,
            "C": order.client_order_id if cancelled else "",
            "S": order.side.value.upper(), "o": "MARKET" if order.limit_price is None else "LIMIT",
            "f": order.time_in_force.value.upper(), "q": f"{order.quantity:f}",
            "p": f"{order.limit_price or 0:f}", "x": "TRADE" if fill else _KINDS.get(
                event.status, "NEW"), "X": _STATUS[event.status], "r": "NONE",
            "i": int(view.broker_order_id.rsplit("-", 1)[1]), "T": self.fake.ms(),
            "l": "0", "L": "0", "n": "0", "N": None, "t": -1,
            "z": f"{view.filled_quantity:f}", "Z": "0", "Y": "0", "O": self.fake.ms(),
            "w": not cancelled and fill is None, "m": False,
        }  # fmt: skip
        if fill is not None:
            report |= {
                "l": f"{fill.quantity:f}", "L": f"{fill.price:f}", "n": "0", "N": QUOTE,
                "t": int(fill.execution_id.rsplit("x", 1)[1]),
                "Y": f"{fill.quantity * fill.price:f}",
            }  # fmt: skip
        return report
