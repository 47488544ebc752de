"""What the pre-trade engine checks: an order intent, instrument specs, and its verdict.

`OrderIntent` is deliberately small: the order manager (Issue 14) will build it from its own
order type. Construction does not validate; the engine's checks do, so a malformed intent
becomes a denial with a reason code rather than an exception. Quantities and prices are
`Decimal` (exact tick and lot arithmetic). Books (Issue 13) are plain id strings for now.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tetra.model.instruments import AssetClass, Instrument
from tetra.risk.state import OrderAction


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """An order a book wants to place, change or cancel (unvalidated until checked)."""

    client_order_id: str
    book: str
    symbol: str
    side: Side
    quantity: Decimal
    order_type: OrderType = OrderType.MARKET
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    action: OrderAction = OrderAction.SUBMIT

    @property
    def signed_quantity(self) -> Decimal:
        """Return the quantity, negative for sells."""
        return self.quantity if self.side is Side.BUY else -self.quantity


@dataclass(frozen=True, slots=True)
class InstrumentSpec:
    """Tick (price increment) and lot (quantity increment) of a tradable instrument."""

    tick_size: Decimal
    lot_size: Decimal


STOCK_SPEC = InstrumentSpec(Decimal("0.01"), Decimal("1"))
CRYPTO_SPEC = InstrumentSpec(Decimal("0.01"), Decimal("0.00000001"))


def spec_for(instrument: Instrument) -> InstrumentSpec:
    """Return the default spec: cents and whole shares, or cents and 1e-8 units for crypto."""
    return CRYPTO_SPEC if instrument.asset_class is AssetClass.CRYPTO else STOCK_SPEC


class DenyCode(StrEnum):
    """Why the pre-trade engine refused an order; stable strings for logs and the API."""

    DUPLICATE_CLIENT_ORDER_ID = "duplicate_client_order_id"
    UNKNOWN_ORDER = "unknown_order"
    UNKNOWN_BOOK = "unknown_book"
    UNKNOWN_SYMBOL = "unknown_symbol"
    TRADING_HALTED = "trading_halted"
    TRADING_REDUCING = "trading_reducing"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    QUANTITY_NOT_LOT_MULTIPLE = "quantity_not_lot_multiple"
    PRICE_MISSING = "price_missing"
    PRICE_NOT_POSITIVE = "price_not_positive"
    PRICE_NOT_TICK_MULTIPLE = "price_not_tick_multiple"
    NO_REFERENCE_PRICE = "no_reference_price"
    PRICE_OUTSIDE_BAND = "price_outside_band"
    NOTIONAL_ABOVE_MAX = "notional_above_max"
    BUYING_POWER_EXCEEDED = "buying_power_exceeded"
    POSITION_LIMIT = "position_limit"
    GROUP_LIMIT = "group_limit"
    THEME_LIMIT = "theme_limit"
    ASSET_CLASS_LIMIT = "asset_class_limit"
    GROSS_LEVERAGE_LIMIT = "gross_leverage_limit"
    NET_LEVERAGE_LIMIT = "net_leverage_limit"
    RATE_LIMIT_EXCEEDED = "rate_limit_exceeded"


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's verdict: allowed, or denied with a code and a sentence saying why."""

    allowed: bool
    code: DenyCode | None = None
    reason: str = ""

    @classmethod
    def deny(cls, code: DenyCode, reason: str) -> Decision:
        """Return a denial."""
        return cls(False, code, reason)


ALLOW = Decision(True)
