"""`FakeBinance`: Binance spot's signed REST API on loopback, over an in-memory venue.

It checks ``X-MBX-APIKEY``, the HMAC-SHA256 ``signature`` of the query string and the
``timestamp`` against ``recvWindow`` (-1022, -1021), applies PRICE_FILTER, LOT_SIZE and
NOTIONAL as Binance does (-1013 "Filter failure: ..."), answers FULL order responses with
``fills[]``, and dedupes ``newClientOrderId`` only among *open* orders (Binance's rule).
Pairs are ``<symbol>USDT``. Faults for the next POST /api/v3/order (`script`):

- ``"timeout_after_accept"``: placed, answered after `delay` seconds;
- ``"503_after_accept"``: placed, answered 503 (unknown, not failed);
- ``"-1007"``: placed, answered ``{"code": -1007}`` (timeout: status unknown);
- ``"429"``: refused with ``Retry-After``, nothing placed;
- ``"reject"``: -2010 insufficient balance, nothing placed.

``POST /api/v3/order/cancelReplace`` (STOP_ON_FAILURE) cancels the original and places the
new order: 400 -2022 when the cancel fails (nothing changed), 409 -2021 when the cancel went
through and the new order failed (``"reject"``, a filter failure, a duplicate id); the
faults after acceptance apply as for a new order.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections import deque
from decimal import ROUND_DOWN, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tetra.core.clock import Clock
from tetra.execution.broker import BrokerOrder, BrokerRejected
from tetra.execution.orders import TERMINAL, Order, OrderStatus, OrderType, Side, TimeInForce
from tetra.testing.brokers.memory import InMemoryBroker

__all__ = ["API_KEY", "SECRET_KEY", "FakeBinance"]

API_KEY, SECRET_KEY = "fake-binance-key", "fake-binance-secret"
QUOTE = "USDT"
S = OrderStatus
_STATUS = {
    S.ACCEPTED: "NEW",
    S.SUBMITTED: "PENDING_NEW",
    S.PARTIALLY_FILLED: "PARTIALLY_FILLED",
    S.FILLED: "FILLED",
    S.CANCELLED: "CANCELED",
    S.EXPIRED: "EXPIRED",
    S.REJECTED: "REJECTED",
}
_TYPES = {"MARKET": OrderType.MARKET, "LIMIT": OrderType.LIMIT, "STOP_LOSS": OrderType.STOP,
          "STOP_LOSS_LIMIT": OrderType.STOP_LIMIT}  # fmt: skip
FILTERS = {
    "tickSize": Decimal("0.01"),
    "stepSize": Decimal("0.00001"),
    "minQty": Decimal("0.00001"),
    "minNotional": Decimal("5"),
}


class FakeBinance:
    """Binance spot REST on 127.0.0.1 at a free port (see the module docstring)."""

    def __init__(
        self,
        clock: Clock,
        *,
        symbols: tuple[str, ...] = ("BTC", "ETH"),
        delay: float = 0.5,
        tick_size: Decimal = FILTERS["tickSize"],
    ) -> None:
        self.venue = InMemoryBroker(clock, name="binance-venue", dedupe="open")
        self.symbols = symbols
        self.delay = delay
        self.tick_size = tick_size
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._clock = clock
        self._faults: deque[str] = deque()
        self._lock = threading.Lock()
        self._trade_ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"fake": self}))
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

    def orders_posted(self) -> int:
        """Return how many order POSTs reached the fake (refused ones and replaces included)."""
        return sum(
            1
            for method, path, _ in self.requests
            if method == "POST" and path in ("/api/v3/order", "/api/v3/order/cancelReplace")
        )

    def __enter__(self) -> FakeBinance:
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

    # -- Binance's shapes ------------------------------------------------------------------

    def exchange_info(self, pair: str) -> dict[str, Any]:
        return {"timezone": "UTC", "serverTime": self.ms(), "rateLimits": [], "symbols": [{
            "symbol": pair, "status": "TRADING", "baseAsset": pair.removesuffix(QUOTE),
            "quoteAsset": QUOTE, "orderTypes": ["LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT"],
            "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000.00",
                 "tickSize": str(self.tick_size)},
                {"filterType": "LOT_SIZE", "minQty": str(FILTERS["minQty"]),
                 "maxQty": "9000.00000", "stepSize": str(FILTERS["stepSize"])},
                {"filterType": "NOTIONAL", "minNotional": str(FILTERS["minNotional"]),
                 "applyMinToMarket": True, "maxNotional": "9000000.00", "applyMaxToMarket": False,
                 "avgPriceMins": 5},
            ],
        }]}  # fmt: skip

    def ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    def order_json(self, view: BrokerOrder, order: Order, full: bool = False) -> dict[str, Any]:
        quote = (view.average_fill_price or Decimal(0)) * view.filled_quantity
        body: dict[str, Any] = {
            "symbol": order.symbol + QUOTE, "orderId": int(view.broker_order_id.rsplit("-", 1)[1]),
            "orderListId": -1, "clientOrderId": order.client_order_id, "transactTime": self.ms(),
            "price": f"{order.limit_price or 0:f}", "origQty": f"{order.quantity:f}",
            "executedQty": f"{view.filled_quantity:f}",
            "origQuoteOrderQty": f"{order.notional or 0:f}",
            "cummulativeQuoteQty": f"{quote:f}", "status": _STATUS[view.status],
            "timeInForce": order.time_in_force.value.upper(), "type": _type_name(order),
            "side": order.side.value.upper(), "workingTime": self.ms(),
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }  # fmt: skip
        if full:
            body["fills"] = [{"price": f"{f.price:f}", "qty": f"{f.quantity:f}",
                              "commission": "0.00000000", "commissionAsset": QUOTE,
                              "tradeId": int(f.execution_id.rsplit("x", 1)[1])}
                             for f in view.fills]  # fmt: skip
        return body

    def trades_json(self, view: BrokerOrder, order: Order) -> list[dict[str, Any]]:
        return [{"symbol": order.symbol + QUOTE, "id": int(f.execution_id.rsplit("x", 1)[1]),
                 "orderId": int(view.broker_order_id.rsplit("-", 1)[1]), "price": f"{f.price:f}",
                 "qty": f"{f.quantity:f}", "quoteQty": f"{f.price * f.quantity:f}",
                 "commission": "0", "commissionAsset": QUOTE, "time": self.ms(),
                 "isBuyer": order.side is Side.BUY, "isMaker": False, "isBestMatch": True}
                for f in view.fills]  # fmt: skip

    def parse_order(self, params: dict[str, str]) -> Order:
        now = self._clock.now()
        price, stop = params.get("price"), params.get("stopPrice")
        return Order(
            client_order_id=params.get("newClientOrderId") or f"x-{now.timestamp()}",
            book="", broker="binance", symbol=params["symbol"].removesuffix(QUOTE),
            side=Side(params["side"].lower()), quantity=self._quantity(params),
            notional=Decimal(params["quoteOrderQty"]) if "quoteOrderQty" in params else None,
            order_type=_TYPES[params["type"]],
            time_in_force=TimeInForce(params.get("timeInForce", "GTC").lower()),
            created_at=now, updated_at=now,
            limit_price=Decimal(price) if price else None,
            stop_price=Decimal(stop) if stop else None,
        )  # fmt: skip

    def _quantity(self, params: dict[str, str]) -> Decimal:
        """Return the quantity, or what quoteOrderQty buys at the price, down to the step."""
        if "quoteOrderQty" not in params:
            return Decimal(params["quantity"])
        price = self.venue.prices.get(params["symbol"].removesuffix(QUOTE), Decimal(0))
        if not price:
            return Decimal(0)
        step = FILTERS["stepSize"]
        return (Decimal(params["quoteOrderQty"]) / price / step).to_integral_value(
            ROUND_DOWN
        ) * step

    def filter_failure(self, order: Order) -> str | None:
        for value in (order.limit_price, order.stop_price):
            if value is not None and value % self.tick_size != 0:
                return "PRICE_FILTER"
        if order.notional is not None and order.notional < FILTERS["minNotional"]:
            return "NOTIONAL"
        if order.quantity % FILTERS["stepSize"] != 0 or order.quantity < FILTERS["minQty"]:
            return "LOT_SIZE"
        reference = order.limit_price or self.venue.prices.get(order.symbol, Decimal(0))
        if order.quantity * reference < FILTERS["minNotional"]:
            return "NOTIONAL"
        return None

    def balances(self) -> list[dict[str, str]]:
        rows = [{"asset": QUOTE, "free": "1000000.00000000", "locked": "0.00000000"}]
        for symbol, quantity in self.venue.positions().items():
            rows.append({"asset": symbol, "free": f"{quantity:f}", "locked": "0.00000000"})
        return rows


def _type_name(order: Order) -> str:
    return next(name for name, kind in _TYPES.items() if kind is order.order_type)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBinance

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        url = urlparse(self.path)
        params = dict(parse_qsl(url.query))
        self.fake.requests.append((method, url.path, params))
        public = {"/api/v3/exchangeInfo": self._exchange_info, "/api/v3/avgPrice": self._avg_price}
        if method == "GET" and url.path in public:
            return public[url.path](params)
        problem = self._auth_problem(url.query, params)
        if problem is not None:
            return self._reply(*problem)
        routes = {
            ("POST", "/api/v3/order"): self._post_order,
            ("POST", "/api/v3/order/cancelReplace"): self._cancel_replace,
            ("GET", "/api/v3/order"): self._get_order,
            ("DELETE", "/api/v3/order"): self._cancel,
            ("GET", "/api/v3/openOrders"): self._open_orders,
            ("DELETE", "/api/v3/openOrders"): self._cancel_symbol,
            ("GET", "/api/v3/myTrades"): self._my_trades,
            ("GET", "/api/v3/account"): self._account,
        }
        action = routes.get((method, url.path))
        if action is None:
            return self._reply(404, {"code": -1000, "msg": "unknown endpoint"})
        return action(params)

    def _auth_problem(
        self, query: str, params: dict[str, str]
    ) -> tuple[int, dict[str, Any]] | None:
        if self.headers.get("X-MBX-APIKEY") != API_KEY:
            return 401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}
        payload, _, signature = query.rpartition("&signature=")
        expected = hmac.new(SECRET_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            return 400, {"code": -1022, "msg": "Signature for this request is not valid."}
        stamp, window = int(params.get("timestamp", 0)), int(params.get("recvWindow", 5000))
        if stamp > self.fake.ms() + 1000 or self.fake.ms() - stamp > window:
            return 400, {
                "code": -1021,
                "msg": "Timestamp for this request is outside of the recvWindow.",
            }
        return None

    def _exchange_info(self, params: dict[str, str]) -> None:
        pair = params.get("symbol", "")
        if pair.removesuffix(QUOTE) not in self.fake.symbols:
            return self._reply(400, {"code": -1121, "msg": "Invalid symbol."})
        return self._reply(200, self.fake.exchange_info(pair))

    def _avg_price(self, params: dict[str, str]) -> None:
        price = self.fake.venue.prices.get(params.get("symbol", "").removesuffix(QUOTE), Decimal(0))
        return self._reply(200, {"mins": 5, "price": f"{price:f}", "closeTime": self.fake.ms()})

    def _post_order(self, params: dict[str, str]) -> None:
        fault = self.fake.next_fault()
        if fault == "429":
            return self._reply(429, {"code": -1003, "msg": "Too much request weight used."},
                               {"Retry-After": "1"})  # fmt: skip
        if fault == "reject":
            message = "Account has insufficient balance for requested action."
            return self._reply(400, {"code": -2010, "msg": message})
        order = self.fake.parse_order(params)
        failure = self.fake.filter_failure(order)
        if failure is not None:
            return self._reply(400, {"code": -1013, "msg": f"Filter failure: {failure}"})
        try:
            view = self.fake.venue.submit(order)
        except BrokerRejected:
            return self._reply(400, {"code": -2010, "msg": "Duplicate order sent."})
        return self._after_accept(fault, self.fake.order_json(view, order, full=True))

    def _after_accept(self, fault: str, body: dict[str, Any]) -> None:
        if fault == "timeout_after_accept":
            time.sleep(self.fake.delay)
        if fault == "503_after_accept":
            return self._reply(
                503, {"code": -1001, "msg": "Internal error; unable to process your request."}
            )
        if fault == "-1007":
            return self._reply(
                408, {"code": -1007, "msg": "Timeout waiting for response from backend server."}
            )
        return self._reply(200, body)

    def _cancel_replace(self, params: dict[str, str]) -> None:
        fault = self.fake.next_fault()
        if fault == "429":
            return self._reply(429, {"code": -1003, "msg": "Too much request weight used."},
                               {"Retry-After": "1"})  # fmt: skip
        found = self.fake.venue.placed(params.get("cancelOrigClientOrderId", ""))
        if found is None or found[0].status in TERMINAL:
            return self._reply(400, {"code": -2022, "msg": "Order cancel-replace failed.",
                                     "data": {"cancelResult": "FAILURE",
                                              "newOrderResult": "NOT_ATTEMPTED",
                                              "cancelResponse": {"code": -2011,
                                                                 "msg": "Unknown order sent."},
                                              "newOrderResponse": None}})  # fmt: skip
        order = self.fake.parse_order(params)
        problem = self._new_order_problem(fault, order)
        if problem is not None:
            self.fake.venue.cancel(found[1])
            cancelled = self.fake.order_json(*(self.fake.venue.placed(found[1].client_order_id)
                                               or found))  # fmt: skip
            return self._reply(409, {"code": -2021, "msg": "Order cancel-replace partially failed.",
                                     "data": {"cancelResult": "SUCCESS",
                                              "newOrderResult": "FAILURE",
                                              "cancelResponse": cancelled,
                                              "newOrderResponse": problem}})  # fmt: skip
        view = self.fake.venue.replace_at_venue(found[1].client_order_id, order).view()
        cancelled = self.fake.order_json(*(self.fake.venue.placed(found[1].client_order_id)
                                           or found))  # fmt: skip
        return self._after_accept(fault, {
            "cancelResult": "SUCCESS", "newOrderResult": "SUCCESS",
            "cancelResponse": cancelled | {"origClientOrderId": found[1].client_order_id},
            "newOrderResponse": self.fake.order_json(view, order, full=True),
        })  # fmt: skip

    def _new_order_problem(self, fault: str, order: Order) -> dict[str, Any] | None:
        if fault == "reject":
            return {"code": -2010, "msg": "Account has insufficient balance for requested action."}
        failure = self.fake.filter_failure(order)
        if failure is not None:
            return {"code": -1013, "msg": f"Filter failure: {failure}"}
        existing = self.fake.venue.placed(order.client_order_id)
        if existing is not None and existing[0].status not in TERMINAL:
            return {"code": -2010, "msg": "Duplicate order sent."}
        return None

    def _found(self, params: dict[str, str]) -> tuple[BrokerOrder, Order] | None:
        return self.fake.venue.placed(params.get("origClientOrderId", ""))

    def _get_order(self, params: dict[str, str]) -> None:
        found = self._found(params)
        if found is None:
            return self._reply(400, {"code": -2013, "msg": "Order does not exist."})
        return self._reply(200, self.fake.order_json(*found))

    def _cancel(self, params: dict[str, str]) -> None:
        found = self._found(params)
        if found is None or found[0].status in TERMINAL:
            return self._reply(400, {"code": -2011, "msg": "Unknown order sent."})
        self.fake.venue.cancel(found[1])
        view, order = self.fake.venue.placed(found[1].client_order_id) or found
        return self._reply(200, self.fake.order_json(view, order))

    def _open_orders(self, params: dict[str, str]) -> None:
        return self._reply(200, [self.fake.order_json(v, o) for v, o in self._working(params)])

    def _working(self, params: dict[str, str]) -> list[tuple[BrokerOrder, Order]]:
        pair = params.get("symbol")
        placed = self.fake.venue.all_placed()
        return [
            (v, o)
            for v, o in placed
            if v.status not in TERMINAL and (pair is None or o.symbol + QUOTE == pair)
        ]

    def _cancel_symbol(self, params: dict[str, str]) -> None:
        working = self._working(params)
        for _, order in working:
            self.fake.venue.cancel(order)
        return self._reply(200, [self.fake.order_json(v, o) for v, o in working])

    def _my_trades(self, params: dict[str, str]) -> None:
        for view, order in self.fake.venue.all_placed():
            if view.broker_order_id.endswith(f"-{params.get('orderId')}"):
                return self._reply(200, self.fake.trades_json(view, order))
        return self._reply(200, [])

    def _account(self, params: dict[str, str]) -> None:
        return self._reply(200, {"makerCommission": 10, "takerCommission": 10, "canTrade": True,
                                 "canWithdraw": True, "canDeposit": True, "accountType": "SPOT",
                                 "balances": self.fake.balances(), "permissions": ["SPOT"],
                                 "updateTime": self.fake.ms(), "uid": 1})  # fmt: skip

    def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("X-MBX-USED-WEIGHT-1M", str(len(self.fake.requests)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
