"""`AlpacaBroker`: Alpaca's trading API v2 behind the broker port.

How answers map to the port's errors (never a blind retry of a POST):

- a timeout, a dropped connection after sending, or a 5xx: `BrokerUnknown` (Alpaca has
  answered errors for orders it placed; the order manager looks the order up);
- no connection at all, or 429 (refused before processing): `BrokerUnavailable`;
- 403 (insufficient buying power, PDT, blocked) and 422 (validation): `BrokerRejected` with
  Alpaca's code and message; "client_order_id must be unique" is a duplicate;
- 404 on lookup: the order does not exist (None).

A replace is ``PATCH /v2/orders/{id}`` with the replacement's client order id: Alpaca answers
with a new order (a new id, ``replaces`` the old one) and the original becomes ``replaced``.

The ``trade_updates`` stream (`AlpacaStream`, optional) feeds `events()`; its heartbeat and
the last successful request make `health()`.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from tetra.adapters.brokers.alpaca.config import AlpacaConfig
from tetra.adapters.brokers.alpaca.parsing import (
    broker_order,
    from_alpaca,
    order_body,
    replace_body,
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
from tetra.execution.orders import Order

_DUPLICATE = "client_order_id must be unique"


class AlpacaBroker:
    """One Alpaca account (see the module docstring)."""

    def __init__(
        self,
        config: AlpacaConfig,
        clock: Clock,
        *,
        crypto: frozenset[str] = frozenset(),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.name = config.name
        self._clock = clock
        self._crypto = crypto
        self._http = httpx.Client(
            base_url=config.host,
            headers={
                "APCA-API-KEY-ID": config.key_id,
                "APCA-API-SECRET-KEY": config.secret_key,
            },
            timeout=config.timeout_seconds,
            transport=transport,
        )
        self._events: deque[BrokerEvent] = deque()
        self._seen_executions: set[str] = set()
        self._lock = threading.Lock()
        self._last_ok = clock.now()
        self._last_error = ""
        self.stream_health: Callable[[], Health] | None = None

    # -- the port --------------------------------------------------------------------------

    def submit(self, order: Order) -> BrokerOrder:
        body = order_body(order, order.symbol in self._crypto)
        response = self._call("POST", "/v2/orders", json=body, sent=True)
        return broker_order(response.json())

    def replace(self, order: Order, replacement: Order) -> BrokerOrder:
        broker_order_id = order.broker_order_id
        if not broker_order_id:
            view = self.lookup(order)
            if view is None:
                raise BrokerRejected(f"alpaca has no order {order.client_order_id} to replace")
            broker_order_id = view.broker_order_id
        path = f"/v2/orders/{broker_order_id}"
        response = self._call("PATCH", path, json=replace_body(replacement), sent=True)
        return broker_order(response.json())

    def cancel(self, order: Order) -> None:
        view = self.lookup(order)
        if view is None or not view.broker_order_id:
            return
        # 204: accepted; 404/422 ("not cancelable"): already done, which is no error
        self._call("DELETE", f"/v2/orders/{view.broker_order_id}", ok=(404, 422))

    def cancel_all(self) -> None:
        self._call("DELETE", "/v2/orders")

    def lookup(self, order: Order) -> BrokerOrder | None:
        response = self._call(
            "GET",
            "/v2/orders:by_client_order_id",
            params={"client_order_id": order.client_order_id},
            ok=(404,),
        )
        return None if response.status_code == 404 else broker_order(response.json())

    def open_orders(self) -> list[BrokerOrder]:
        response = self._call("GET", "/v2/orders", params={"status": "open", "limit": 500})
        return [broker_order(item) for item in response.json()]

    def positions(self) -> dict[str, Decimal]:
        held: dict[str, Decimal] = {}
        for item in self._call("GET", "/v2/positions").json():
            quantity = Decimal(str(item["qty"]))
            signed = -abs(quantity) if item.get("side") == "short" else quantity
            held[from_alpaca(str(item["symbol"]), self._crypto)] = signed
        return held

    def account(self) -> BrokerAccount:
        body = self._call("GET", "/v2/account").json()
        blocked = bool(body.get("trading_blocked") or body.get("account_blocked"))
        return BrokerAccount(
            Decimal(str(body["cash"])),
            Decimal(str(body["equity"])),
            Decimal(str(body["buying_power"])),
            str(body.get("currency", "USD")),
            blocked,
        )

    def events(self) -> list[BrokerEvent]:
        with self._lock:
            drained = list(self._events)
            self._events.clear()
        return drained

    def health(self) -> Health:
        if self.stream_health is not None:
            streamed = self.stream_health()
            if not streamed.healthy:
                return streamed
        if self._last_error:
            return Health(False, self._last_error, self._last_ok)
        return Health(True, "", self._last_ok)

    # -- the stream feeds this -------------------------------------------------------------

    def accept_event(self, event: BrokerEvent) -> None:
        """Queue one stream event; a fill seen before (same execution id) is dropped."""
        with self._lock:
            if event.fill is not None:
                if event.fill.execution_id in self._seen_executions:
                    return
                self._seen_executions.add(event.fill.execution_id)
            self._events.append(event)

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    # -- HTTP ------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, *, sent: bool = False, ok: tuple[int, ...] = (), **kw: Any
    ) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kw)
        except httpx.ConnectError as error:
            self._last_error = f"cannot connect: {error}"
            raise BrokerUnavailable(f"alpaca: {self._last_error}") from error
        except httpx.TransportError as error:  # timeouts, dropped connections
            self._last_error = ""
            raise BrokerUnknown(f"alpaca: {type(error).__name__}: {error}") from error
        self._last_ok, self._last_error = self._clock.now(), ""
        if response.is_success or response.status_code in ok:
            return response
        raise _error(response, sent)


def _error(response: httpx.Response, sent: bool) -> Exception:
    request_id = response.headers.get("X-Request-ID", "")
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("message") or response.reason_phrase)
    code = str(body.get("code", response.status_code))
    where = f"alpaca {response.status_code} (request {request_id})"
    if response.status_code >= 500:
        return BrokerUnknown(f"{where}: {message}")
    if response.status_code == 429:
        retry = response.headers.get("Retry-After", "")
        return BrokerUnavailable(f"{where}: rate limited; retry after {retry or '?'} s")
    return BrokerRejected(message, code=code, duplicate=sent and _DUPLICATE in message)
