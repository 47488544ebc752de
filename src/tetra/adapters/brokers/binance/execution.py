"""`BinanceBroker`: Binance spot's signed REST API behind the broker port.

Every signed request carries ``timestamp`` and ``recvWindow`` and an HMAC-SHA256 ``signature``
of its query string, with the key in ``X-MBX-APIKEY``. Orders are checked against the symbol's
filters in Decimal before sending (`parsing.conform_price`, `check_quantity`,
`check_notional`). How answers map to the port's errors:

- a timeout or dropped connection after sending, any 5xx, or code -1007: `BrokerUnknown`
  (Binance: "status unknown", not "failed");
- no connection, 429 or 418 (refused before processing): `BrokerUnavailable`;
- other 4xx: `BrokerRejected` with Binance's code and message; "Duplicate order sent." is a
  duplicate; -2013 on lookup means the order does not exist.

A replace is ``POST /api/v3/order/cancelReplace`` with ``cancelReplaceMode=STOP_ON_FAILURE``:
the original is cancelled, then the replacement placed. HTTP 400 (-2022) means the cancel
failed and nothing changed; 409 (-2021) that the cancel went through and the new order did
not (the original is gone: the order manager looks it up). Both are refusals whose message
carries the sub-answers' messages.

Order updates come from the user data stream (`BinanceStream`, optional): its
``executionReport`` events feed `events()` (fills deduplicated by trade id, the same ids as the
REST fills), and its health joins `health()`; without it the order manager learns by lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx

from tetra.adapters.brokers.binance.config import BinanceConfig
from tetra.adapters.brokers.binance.parsing import (
    SymbolRules,
    broker_order,
    check_notional,
    check_quantity,
    conform_price,
    order_params,
    response_fills,
    rules_from_exchange_info,
    trade_fills,
)
from tetra.core.clock import Clock
from tetra.execution.broker import (
    BrokerAccount,
    BrokerEvent,
    BrokerOrder,
    BrokerRejected,
    BrokerUnavailable,
    BrokerUnknown,
    Health,
)
from tetra.execution.orders import Fill, Order, OrderType

_UNKNOWN_CODES = {-1007}


class BinanceBroker:
    """One Binance spot account (see the module docstring)."""

    def __init__(
        self, config: BinanceConfig, clock: Clock, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.config = config
        self.name = config.name
        self.clock = clock
        self._clock = clock
        self._http = httpx.Client(
            base_url=config.host,
            headers={"X-MBX-APIKEY": config.api_key},
            timeout=config.timeout_seconds,
            transport=transport,
        )
        self._rules: dict[str, SymbolRules] = {}
        self._last_error = ""
        self._events: deque[BrokerEvent] = deque()
        self._seen_trades: set[str] = set()
        self._lock = threading.Lock()
        self.stream_health: Callable[[], Health] | None = None

    # -- symbols and filters ---------------------------------------------------------------

    def pair(self, symbol: str) -> str:
        """Return Binance's pair of a Tetra symbol: BTC -> BTCUSDT."""
        return f"{symbol}{self.config.quote}"

    def base(self, pair: str) -> str:
        """Return Tetra's symbol of a pair: BTCUSDT -> BTC."""
        return pair.removesuffix(self.config.quote)

    def rules(self, symbol: str) -> SymbolRules:
        """Return (and cache) the symbol's filters from exchangeInfo."""
        pair = self.pair(symbol)
        if pair not in self._rules:
            answer = self._call("GET", "/api/v3/exchangeInfo", {"symbol": pair}, signed=False)
            self._rules[pair] = rules_from_exchange_info(answer.json(), pair)
        return self._rules[pair]

    def conform(self, order: Order) -> tuple[Decimal | None, Decimal | None]:
        """Return the order's limit and stop prices on the tick grid, or refuse the order."""
        rules = self.rules(order.symbol)
        market = order.order_type in (OrderType.MARKET, OrderType.STOP)
        if order.notional is not None:  # quoteOrderQty: the engine picks a LOT_SIZE quantity
            if order.order_type is not OrderType.MARKET:
                raise BrokerRejected(
                    f"Binance takes quoteOrderQty for MARKET orders only, not {order.order_type} "
                    "(refused before sending)",
                    code="notional",
                )
            check_notional(rules, order.notional, True)
            return None, None
        check_quantity(rules, order.quantity, market)
        price = (
            None
            if order.limit_price is None
            else conform_price(rules, order.limit_price, order.side)
        )
        stop = (
            None if order.stop_price is None else conform_price(rules, order.stop_price, order.side)
        )
        reference = price or stop or self._average_price(order.symbol)
        check_notional(rules, order.quantity * reference, market)
        return price, stop

    # -- the port --------------------------------------------------------------------------

    def submit(self, order: Order) -> BrokerOrder:
        price, stop = self.conform(order)
        pair = self.pair(order.symbol)
        answer = self._call(
            "POST", "/api/v3/order", order_params(order, pair, price, stop), sent=True
        )
        body = answer.json()
        return broker_order(body, order.symbol, response_fills(body, order.client_order_id, pair))

    def replace(self, order: Order, replacement: Order) -> BrokerOrder:
        price, stop = self.conform(replacement)
        pair = self.pair(replacement.symbol)
        params = {
            **order_params(replacement, pair, price, stop),
            "cancelReplaceMode": "STOP_ON_FAILURE",
            "cancelOrigClientOrderId": order.client_order_id,
        }
        answer = self._call("POST", "/api/v3/order/cancelReplace", params, sent=True)
        body = answer.json()["newOrderResponse"]
        fills = response_fills(body, replacement.client_order_id, pair)
        return broker_order(body, replacement.symbol, fills)

    def cancel(self, order: Order) -> None:
        params = {"symbol": self.pair(order.symbol), "origClientOrderId": order.client_order_id}
        self._call("DELETE", "/api/v3/order", params, quiet=(-2011, -2013))

    def cancel_all(self) -> None:
        for pair in {str(o["symbol"]) for o in self._call("GET", "/api/v3/openOrders", {}).json()}:
            self._call("DELETE", "/api/v3/openOrders", {"symbol": pair}, quiet=(-2011,))

    def lookup(self, order: Order) -> BrokerOrder | None:
        pair = self.pair(order.symbol)
        params = {"symbol": pair, "origClientOrderId": order.client_order_id}
        answer = self._call("GET", "/api/v3/order", params, quiet=(-2013,))
        if not answer.is_success:
            return None
        body = answer.json()
        fills: tuple[Fill, ...] = ()
        if Decimal(str(body.get("executedQty", "0"))) > 0:
            trades = self._call(
                "GET", "/api/v3/myTrades", {"symbol": pair, "orderId": body["orderId"]}
            )
            fills = trade_fills(trades.json(), order.client_order_id, pair)
        return broker_order(body, order.symbol, fills)

    def open_orders(self) -> list[BrokerOrder]:
        rows = self._call("GET", "/api/v3/openOrders", {}).json()
        return [broker_order(row, self.base(str(row["symbol"]))) for row in rows]

    def positions(self) -> dict[str, Decimal]:
        held = {}
        for balance in self._account()["balances"]:
            total = Decimal(str(balance["free"])) + Decimal(str(balance["locked"]))
            if total and balance["asset"] != self.config.quote:
                held[str(balance["asset"])] = total
        return held

    def account(self) -> BrokerAccount:
        body = self._account()
        cash = next(
            (Decimal(str(b["free"])) for b in body["balances"] if b["asset"] == self.config.quote),
            Decimal(0),
        )
        return BrokerAccount(cash, cash, cash, self.config.quote, not body.get("canTrade", True))

    def events(self) -> list[BrokerEvent]:
        with self._lock:
            drained = list(self._events)
            self._events.clear()
        return drained

    def accept_event(self, event: BrokerEvent) -> None:
        """Queue one stream event; a fill seen before (same trade id) is dropped."""
        with self._lock:
            if event.fill is not None:
                if event.fill.execution_id in self._seen_trades:
                    return
                self._seen_trades.add(event.fill.execution_id)
            self._events.append(event)

    def health(self) -> Health:
        if self.stream_health is not None:
            streamed = self.stream_health()
            if not streamed.healthy:
                return streamed
        if self._last_error:
            return Health(False, self._last_error)
        return Health(True)

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    # -- HTTP ------------------------------------------------------------------------------

    def _account(self) -> dict[str, Any]:
        body: dict[str, Any] = self._call(
            "GET", "/api/v3/account", {"omitZeroBalances": "true"}
        ).json()
        return body

    def _average_price(self, symbol: str) -> Decimal:
        answer = self._call("GET", "/api/v3/avgPrice", {"symbol": self.pair(symbol)}, signed=False)
        return Decimal(str(answer.json()["price"]))

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, Any],
        *,
        signed: bool = True,
        sent: bool = False,
        quiet: tuple[int, ...] = (),
    ) -> httpx.Response:
        query = urlencode(self._signed(params) if signed else params)
        try:
            response = self._http.request(method, f"{path}?{query}" if query else path)
        except httpx.ConnectError as error:
            self._last_error = f"cannot connect: {error}"
            raise BrokerUnavailable(f"binance: {self._last_error}") from error
        except httpx.TransportError as error:
            raise BrokerUnknown(f"binance: {type(error).__name__}: {error}") from error
        self._last_error = ""
        if response.is_success:
            return response
        code, message = _code_and_message(response)
        if code in quiet:
            return response
        raise _error(response, code, message, sent)

    def _signed(self, params: dict[str, Any]) -> dict[str, Any]:
        stamped = {
            **params,
            "recvWindow": self.config.recv_window_ms,
            "timestamp": int(self._clock.now().timestamp() * 1000),
        }
        payload = urlencode(stamped).encode()
        secret = self.config.secret_key.encode()
        return {**stamped, "signature": hmac.new(secret, payload, hashlib.sha256).hexdigest()}


def _code_and_message(response: httpx.Response) -> tuple[int, str]:
    try:
        body = response.json()
    except ValueError:
        return 0, response.reason_phrase
    message = str(body.get("msg", response.reason_phrase))
    data = body.get("data")
    if isinstance(data, dict):  # cancelReplace: what happened to the cancel and the new order
        parts = [
            f"{part}: {answer.get('msg')}"
            for part in ("cancelResponse", "newOrderResponse")
            if isinstance(answer := data.get(part), dict) and answer.get("msg")
        ]
        message = "; ".join([message, *parts])
    return int(body.get("code", 0)), message


def _error(response: httpx.Response, code: int, message: str, sent: bool) -> Exception:
    where = f"binance {response.status_code} ({code})"
    if response.status_code >= 500 or code in _UNKNOWN_CODES:
        return BrokerUnknown(f"{where}: {message}")
    if response.status_code in (429, 418):
        retry = response.headers.get("Retry-After", "?")
        return BrokerUnavailable(f"{where}: {message}; retry after {retry} s")
    return BrokerRejected(message, code=str(code), duplicate=sent and "Duplicate order" in message)
