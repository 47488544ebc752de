"""`FakeAlpaca`: Alpaca's trading API v2 (REST) on loopback, over an in-memory venue.

It answers in Alpaca's format (order objects with string numbers, ``BTC/USD`` in orders and
``BTCUSD`` in positions, ``{"code", "message"}`` errors, an ``X-Request-ID`` on every reply)
and checks the key headers. The venue is an `InMemoryBroker`, so a test fills, partially
fills and rejects through `venue`. Faults for the next POST /v2/orders (`script`):

- ``"timeout_after_accept"``: the order is placed, the reply comes after `delay` seconds;
- ``"500_after_accept"``: the order is placed, the reply is a 500;
- ``"drop_after_accept"``: the order is placed, the connection closes without a reply;
- ``"429"``: refused with ``Retry-After: 1``, nothing placed;
- ``"reject"``: 403 insufficient buying power, nothing placed.

``PATCH /v2/orders/{id}`` replaces a working order as Alpaca does: a new order (new id, its
``replaces`` the old id) and the original ``replaced`` with ``replaced_by``; the same faults
apply to it (a replace of a done order is 422 "order is not replaceable").
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import replace
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlparse

from tetra.core.clock import Clock
from tetra.execution.broker import BrokerOrder, BrokerRejected
from tetra.execution.orders import TERMINAL, Order, OrderStatus, OrderType, Side, TimeInForce
from tetra.testing.brokers.memory import InMemoryBroker

__all__ = ["FakeAlpaca"]

KEY_ID, SECRET = "fake-key", "fake-secret"
S = OrderStatus
_ALPACA_STATUS = {
    S.ACCEPTED: "new",
    S.SUBMITTED: "pending_new",
    S.PARTIALLY_FILLED: "partially_filled",
    S.FILLED: "filled",
    S.CANCELLED: "canceled",
    S.EXPIRED: "expired",
    S.REJECTED: "rejected",
}


class FakeAlpaca:
    """Alpaca's REST API on 127.0.0.1 at a free port (see the module docstring)."""

    def __init__(
        self, clock: Clock, *, crypto: frozenset[str] = frozenset(), delay: float = 0.5
    ) -> None:
        self.venue = InMemoryBroker(clock, name="alpaca-venue")
        self.crypto = crypto
        self.delay = delay
        self.requests: list[tuple[str, str]] = []
        self.replaced_by: dict[str, str] = {}  # original client id -> replacement's order id
        self.replaces: dict[str, str] = {}  # replacement client id -> original's order id
        self._clock = clock
        self._faults: deque[str] = deque()
        self._request_ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *faults: str) -> None:
        """Make the next order POSTs fail as listed (``"ok"`` for a normal one)."""
        with self._lock:
            self._faults.extend(faults)

    def next_fault(self) -> str:
        with self._lock:
            return self._faults.popleft() if self._faults else "ok"

    def __enter__(self) -> FakeAlpaca:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- Alpaca's shapes -------------------------------------------------------------------

    def symbol_out(self, symbol: str) -> str:
        return f"{symbol}/USD" if symbol in self.crypto else symbol

    def order_json(self, view: BrokerOrder, order: Order) -> dict[str, Any]:
        now = self._clock.now().isoformat().replace("+00:00", "Z")
        return {
            "id": view.broker_order_id,
            "client_order_id": view.client_order_id,
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
            "filled_at": now if view.status is S.FILLED else None,
            "symbol": self.symbol_out(order.symbol),
            "asset_class": "crypto" if order.symbol in self.crypto else "us_equity",
            "qty": None if order.notional is not None else f"{order.quantity:f}",
            "notional": None if order.notional is None else f"{order.notional:f}",
            "filled_qty": f"{view.filled_quantity:f}",
            "filled_avg_price": (
                None if view.average_fill_price is None else f"{view.average_fill_price:f}"
            ),
            "order_class": "simple",
            "order_type": order.order_type.value,
            "type": order.order_type.value,
            "side": order.side.value,
            "time_in_force": order.time_in_force.value,
            "limit_price": None if order.limit_price is None else f"{order.limit_price:f}",
            "stop_price": None if order.stop_price is None else f"{order.stop_price:f}",
            "status": _ALPACA_STATUS[view.status],
            "extended_hours": False,
            "replaced_by": self.replaced_by.get(view.client_order_id) or None,
            "replaces": self.replaces.get(view.client_order_id),
        } | ({"status": "replaced", "replaced_at": now}
             if view.client_order_id in self.replaced_by else {})  # fmt: skip

    def parse_order(self, body: dict[str, Any]) -> Order:
        symbol = str(body["symbol"]).removesuffix("/USD")
        now = self._clock.now()
        return Order(
            client_order_id=str(body.get("client_order_id") or f"auto-{now.timestamp()}"),
            book="",
            broker="alpaca",
            symbol=symbol,
            side=Side(str(body["side"])),
            quantity=Decimal(str(body["qty"])) if body.get("qty") else Decimal(0),
            notional=Decimal(str(body["notional"])) if body.get("notional") else None,
            order_type=OrderType(str(body["type"])),
            time_in_force=TimeInForce(str(body["time_in_force"])),
            created_at=now,
            updated_at=now,
            limit_price=Decimal(str(body["limit_price"])) if body.get("limit_price") else None,
            stop_price=Decimal(str(body["stop_price"])) if body.get("stop_price") else None,
        )

    def replacement(self, original: Order, body: dict[str, Any]) -> Order:
        """Return the order a PATCH body makes of `original` (unset fields carry over)."""
        now = self._clock.now()

        def decimal(key: str, default: Decimal | None) -> Decimal | None:
            return Decimal(str(body[key])) if body.get(key) is not None else default

        return replace(
            original,
            client_order_id=str(body.get("client_order_id") or f"auto-{now.timestamp()}"),
            quantity=decimal("qty", original.quantity) or original.quantity,
            time_in_force=TimeInForce(str(body.get("time_in_force") or original.time_in_force)),
            limit_price=decimal("limit_price", original.limit_price),
            stop_price=decimal("stop_price", original.stop_price),
            created_at=now,
            updated_at=now,
        )

    def positions_json(self) -> list[dict[str, Any]]:
        rows = []
        for symbol, quantity in self.venue.positions().items():
            crypto = symbol in self.crypto
            rows.append(
                {
                    "asset_id": f"asset-{symbol}",
                    "symbol": f"{symbol}USD" if crypto else symbol,
                    "exchange": "CRYPTO" if crypto else "ARCA",
                    "asset_class": "crypto" if crypto else "us_equity",
                    "qty": f"{abs(quantity):f}",
                    "side": "long" if quantity > 0 else "short",
                }
            )
        return rows


def _handler(fake: FakeAlpaca) -> type[BaseHTTPRequestHandler]:
    return type("AlpacaHandler", (_Handler,), {"fake": fake})


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAlpaca

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def _route(self, method: str) -> None:
        url = urlparse(self.path)
        self.fake.requests.append((method, url.path))
        if (
            self.headers.get("APCA-API-KEY-ID") != KEY_ID
            or self.headers.get("APCA-API-SECRET-KEY") != SECRET
        ):
            return self._reply(401, {"code": 40110000, "message": "request is not authorized"})
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        routes = {
            ("POST", "/v2/orders"): self._post_order,
            ("GET", "/v2/orders:by_client_order_id"): lambda: self._by_client_id(query),
            ("GET", "/v2/orders"): self._open_orders,
            ("DELETE", "/v2/orders"): self._cancel_all,
            ("GET", "/v2/positions"): lambda: self._reply(200, self.fake.positions_json()),
            ("GET", "/v2/account"): self._account,
        }
        action = routes.get((method, url.path))
        if action is not None:
            return action()
        if method == "DELETE" and url.path.startswith("/v2/orders/"):
            return self._cancel(url.path.rsplit("/", 1)[1])
        if method == "PATCH" and url.path.startswith("/v2/orders/"):
            return self._replace(url.path.rsplit("/", 1)[1])
        return self._reply(404, {"code": 40410000, "message": "not found"})

    def _post_order(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        fault = self.fake.next_fault()
        if fault in ("429", "reject"):
            return self._post_fault(fault)
        order = self.fake.parse_order(body)
        try:
            view = self.fake.venue.submit(order)
        except BrokerRejected as refusal:
            return self._reply(422, {"code": 40010001, "message": refusal.reason})
        return self._after_accept(fault, view, order)

    def _post_fault(self, fault: str) -> None:
        if fault == "429":
            return self._reply(429, {"code": 42910000, "message": "rate limit exceeded"},
                               {"Retry-After": "1"})  # fmt: skip
        return self._reply(403, {"code": 40310000, "message": "insufficient buying power",
                                 "buying_power": "0", "cost_basis": "1"})  # fmt: skip

    def _after_accept(self, fault: str, view: BrokerOrder, order: Order) -> None:
        if fault == "timeout_after_accept":
            time.sleep(self.fake.delay)
        if fault == "drop_after_accept":
            self.close_connection = True
            self.connection.close()
            return None
        if fault == "500_after_accept":
            return self._reply(500, {"code": 50010000, "message": "internal server error"})
        return self._reply(200, self.fake.order_json(view, order))

    def _replace(self, broker_order_id: str) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        found = next(
            (o for v, o in self.fake.venue.all_placed() if v.broker_order_id == broker_order_id),
            None,
        )
        if found is None:
            return self._reply(404, {"code": 40410000, "message": "order not found"})
        fault = self.fake.next_fault()
        if fault in ("429", "reject"):
            return self._post_fault(fault)
        replacement = self.fake.replacement(found, body)
        self.fake.replaced_by[found.client_order_id] = ""  # the stream names the event at once
        try:
            view = self.fake.venue.replace_at_venue(found.client_order_id, replacement).view()
        except BrokerRejected as refusal:
            del self.fake.replaced_by[found.client_order_id]
            code = 40010001 if refusal.duplicate else 42210000
            message = refusal.reason if refusal.duplicate else "order is not replaceable"
            return self._reply(422, {"code": code, "message": message})
        self.fake.replaced_by[found.client_order_id] = view.broker_order_id
        self.fake.replaces[replacement.client_order_id] = broker_order_id
        return self._after_accept(fault, view, replacement)

    def _by_client_id(self, query: dict[str, str]) -> None:
        found = self.fake.venue.placed(query.get("client_order_id", ""))
        if found is None:
            return self._reply(404, {"code": 40410000, "message": "order not found"})
        return self._reply(200, self.fake.order_json(*found))

    def _open_orders(self) -> None:
        placed = self.fake.venue.all_placed()
        views = [self.fake.order_json(v, o) for v, o in placed if v.status not in TERMINAL]
        return self._reply(200, views)

    def _cancel(self, broker_order_id: str) -> None:
        for view, order in self.fake.venue.all_placed():
            if view.broker_order_id == broker_order_id:
                if view.status in (S.FILLED, S.CANCELLED, S.EXPIRED, S.REJECTED):
                    return self._reply(422, {"code": 42210000,
                                             "message": "order is not cancelable"})  # fmt: skip
                self.fake.venue.cancel(order)
                return self._reply(204, None)
        return self._reply(404, {"code": 40410000, "message": "order not found"})

    def _cancel_all(self) -> None:
        self.fake.venue.cancel_all()
        return self._reply(207, [])

    def _account(self) -> None:
        account = self.fake.venue.account()
        return self._reply(200, {
            "id": "fake-account", "account_number": "PA0000000", "status": "ACTIVE",
            "currency": "USD", "cash": f"{account.cash:f}", "equity": f"{account.equity:f}",
            "buying_power": f"{account.buying_power:f}", "trading_blocked": False,
            "account_blocked": False, "pattern_day_trader": False,
        })  # fmt: skip

    def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-ID", f"req-{next(self.fake._request_ids)}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
