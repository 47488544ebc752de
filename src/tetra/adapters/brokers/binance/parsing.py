"""Binance spot's wire format <-> Tetra's orders, with its filters applied in Decimal.

`SymbolRules` holds a symbol's PRICE_FILTER, LOT_SIZE (MARKET_LOT_SIZE for market orders) and
NOTIONAL/MIN_NOTIONAL; `conform` rounds prices to the tick (buys down, sells up: never a worse
price than asked) and refuses quantities off the step grid (naming the nearest valid one, so
the order manager never holds an order the broker sees with another size), below the minimum
or above the maximum, and notionals outside the NOTIONAL band.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from tetra.execution.broker import BrokerEvent, BrokerOrder, BrokerRejected
from tetra.execution.orders import Fill, Order, OrderStatus, OrderType, Side, TimeInForce

S = OrderStatus
ZERO = Decimal(0)
STATUSES: Mapping[str, OrderStatus] = {
    "NEW": S.ACCEPTED,
    "PENDING_NEW": S.SUBMITTED,
    "PARTIALLY_FILLED": S.PARTIALLY_FILLED,
    "FILLED": S.FILLED,
    "CANCELED": S.CANCELLED,
    "PENDING_CANCEL": S.ACCEPTED,
    "REJECTED": S.REJECTED,
    "EXPIRED": S.EXPIRED,
    "EXPIRED_IN_MATCH": S.EXPIRED,
}
_TYPES = {
    OrderType.MARKET: "MARKET",
    OrderType.LIMIT: "LIMIT",
    OrderType.STOP: "STOP_LOSS",
    OrderType.STOP_LIMIT: "STOP_LOSS_LIMIT",
}
_TIME_IN_FORCE = {TimeInForce.GTC: "GTC", TimeInForce.IOC: "IOC"}


@dataclass(frozen=True, slots=True)
class SymbolRules:
    """One symbol's filters (a zero means that part of the filter is off)."""

    symbol: str
    tick_size: Decimal = ZERO
    min_price: Decimal = ZERO
    max_price: Decimal = ZERO
    step_size: Decimal = ZERO
    min_quantity: Decimal = ZERO
    max_quantity: Decimal = ZERO
    market_step_size: Decimal = ZERO
    min_notional: Decimal = ZERO
    max_notional: Decimal = ZERO
    min_notional_applies_to_market: bool = True


def rules_from_exchange_info(payload: Mapping[str, Any], symbol: str) -> SymbolRules:
    """Return the rules of `symbol` from a GET /api/v3/exchangeInfo answer."""
    entry = next((s for s in payload.get("symbols", []) if s.get("symbol") == symbol), None)
    if entry is None:
        raise BrokerRejected(f"unknown symbol {symbol} at Binance", code="-1121")
    found: dict[str, Any] = {"symbol": symbol}
    for item in entry.get("filters", []):
        found.update(_filter_fields(item))
    return SymbolRules(**found)


def _filter_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    kind = item.get("filterType")

    def d(key: str) -> Decimal:
        return Decimal(str(item.get(key, "0")))

    if kind == "PRICE_FILTER":
        return {"tick_size": d("tickSize"), "min_price": d("minPrice"), "max_price": d("maxPrice")}
    if kind == "LOT_SIZE":
        return {
            "step_size": d("stepSize"),
            "min_quantity": d("minQty"),
            "max_quantity": d("maxQty"),
        }
    if kind == "MARKET_LOT_SIZE":
        return {"market_step_size": d("stepSize")}
    if kind == "NOTIONAL":
        return {
            "min_notional": d("minNotional"),
            "max_notional": d("maxNotional"),
            "min_notional_applies_to_market": bool(item.get("applyMinToMarket", True)),
        }
    if kind == "MIN_NOTIONAL":
        return {
            "min_notional": d("minNotional"),
            "min_notional_applies_to_market": bool(item.get("applyToMarket", True)),
        }
    return {}


def conform_price(rules: SymbolRules, price: Decimal, side: Side) -> Decimal:
    """Return `price` on the tick grid (buys round down, sells up) or refuse it."""
    tick = rules.tick_size
    rounding = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
    rounded = (price / tick).to_integral_value(rounding) * tick if tick else price
    if rounded <= 0 or (rules.min_price and rounded < rules.min_price):
        raise _filter(
            "PRICE_FILTER",
            f"price {price} rounds to {rounded.normalize()} on the tick {tick.normalize()}, "
            f"below the minimum {rules.min_price.normalize()}",
        )
    if rules.max_price and rounded > rules.max_price:
        raise _filter("PRICE_FILTER", f"price {price} is above the maximum {rules.max_price}")
    return rounded.normalize()


def check_quantity(rules: SymbolRules, quantity: Decimal, market: bool) -> None:
    """Refuse a quantity off the step grid, below the minimum or above the maximum."""
    step = (rules.market_step_size or rules.step_size) if market else rules.step_size
    if step and quantity % step != 0:
        valid = (quantity / step).to_integral_value(ROUND_FLOOR) * step
        raise _filter("LOT_SIZE", f"quantity {quantity} is off the step {step}; {valid} is valid")
    if quantity < rules.min_quantity:
        raise _filter("LOT_SIZE", f"quantity {quantity} is below the minimum {rules.min_quantity}")
    if rules.max_quantity and quantity > rules.max_quantity:
        raise _filter("LOT_SIZE", f"quantity {quantity} is above the maximum {rules.max_quantity}")


def check_notional(rules: SymbolRules, notional: Decimal, market: bool) -> None:
    """Refuse a notional outside the NOTIONAL band."""
    applies = rules.min_notional_applies_to_market or not market
    if rules.min_notional and notional < rules.min_notional and applies:
        raise _filter("NOTIONAL", f"notional {notional} is below {rules.min_notional}")
    if rules.max_notional and notional > rules.max_notional and not market:
        raise _filter("NOTIONAL", f"notional {notional} is above {rules.max_notional}")


def _filter(name: str, detail: str) -> BrokerRejected:
    return BrokerRejected(
        f"Filter failure: {name}: {detail} (refused before sending)", code="-1013"
    )


def order_params(
    order: Order, symbol: str, price: Decimal | None, stop: Decimal | None
) -> dict[str, str]:
    """Return the POST /api/v3/order parameters (without timestamp and signature)."""
    params = {
        "symbol": symbol,
        "side": order.side.value.upper(),
        "type": _TYPES[order.order_type],
        "newClientOrderId": order.client_order_id,
        "newOrderRespType": "FULL",
    }
    if order.notional is not None:
        params["quoteOrderQty"] = f"{order.notional:f}"
    else:
        params["quantity"] = f"{order.quantity:f}"
    if order.order_type is not OrderType.MARKET:
        tif = _TIME_IN_FORCE.get(order.time_in_force)
        if tif is None:
            raise BrokerRejected(
                f"Binance has no {order.time_in_force} orders; use gtc or ioc", code="tif"
            )
        if order.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
            params["timeInForce"] = tif
    if price is not None:
        params["price"] = f"{price:f}"
    if stop is not None:
        params["stopPrice"] = f"{stop:f}"
    return params


def broker_order(
    payload: Mapping[str, Any], base: str, fills: tuple[Fill, ...] = ()
) -> BrokerOrder:
    """Return Tetra's view of a Binance order (an order answer, or GET /api/v3/order)."""
    executed = Decimal(str(payload.get("executedQty", "0")))
    quote = Decimal(str(payload.get("cummulativeQuoteQty", "0")))
    return BrokerOrder(
        client_order_id=str(payload.get("clientOrderId") or payload.get("origClientOrderId")),
        status=STATUSES.get(str(payload.get("status", "NEW")), S.ACCEPTED),
        broker_order_id=str(payload.get("orderId", "")),
        filled_quantity=executed,
        average_fill_price=(quote / executed) if executed else None,
        fills=fills,
        symbol=base,
        quantity=Decimal(str(payload.get("origQty", "0"))),
        side=str(payload.get("side", "")).lower(),
    )


def response_fills(
    payload: Mapping[str, Any], client_order_id: str, symbol: str
) -> tuple[Fill, ...]:
    """Return the fills of a FULL order answer (`fills[]` with tradeId)."""
    at = _instant(payload.get("transactTime", 0))
    return tuple(
        Fill(
            f"{symbol}-{item['tradeId']}", client_order_id, Decimal(str(item["qty"])),
            Decimal(str(item["price"])), at, Decimal(str(item.get("commission", "0"))),
        )
        for item in payload.get("fills", [])
    )  # fmt: skip


def trade_fills(
    trades: list[Mapping[str, Any]], client_order_id: str, symbol: str
) -> tuple[Fill, ...]:
    """Return the fills of GET /api/v3/myTrades rows (one order's)."""
    return tuple(
        Fill(
            f"{symbol}-{row['id']}", client_order_id, Decimal(str(row["qty"])),
            Decimal(str(row["price"])), _instant(row.get("time", 0)),
            Decimal(str(row.get("commission", "0"))),
        )
        for row in trades
    )  # fmt: skip


def _instant(ms: object) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(str(ms)) / 1000, dt.UTC)


def execution_report(event: Mapping[str, Any]) -> BrokerEvent | None:
    """Return the order event of one ``executionReport`` (None for other events).

    A cancel's report names the cancelled order in ``C`` (``c`` is the cancel request's own
    id); a ``TRADE`` carries the fill: ``l`` at ``L``, trade id ``t``, commission ``n``.
    """
    if event.get("e") != "executionReport":
        return None
    kind, pair = str(event.get("x", "")), str(event.get("s", ""))
    client_order_id = str(event.get("C") or "") if kind == "CANCELED" else ""
    client_order_id = client_order_id or str(event.get("c", ""))
    at = _instant(event.get("T") or event.get("E") or 0)
    fill = None
    if kind == "TRADE":
        fill = Fill(
            f"{pair}-{event['t']}", client_order_id, Decimal(str(event["l"])),
            Decimal(str(event["L"])), at, Decimal(str(event.get("n") or "0")),
        )  # fmt: skip
    reason = str(event.get("r") or "")
    return BrokerEvent(
        client_order_id,
        STATUSES.get(str(event.get("X", "NEW")), S.ACCEPTED),
        at,
        fill,
        str(event.get("i", "")),
        "" if reason == "NONE" else reason,
    )
