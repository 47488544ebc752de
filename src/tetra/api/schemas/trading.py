"""Request and response models of the trading area (`/api/trading`).

Quantities and prices travel as decimal strings (exact); a denial or a broker's refusal is
an order with status ``rejected`` and its reason, not an HTTP error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scope = Field("*", min_length=1, max_length=128, pattern=r"^\S+$", description="A book, or '*'.")
BookName = Field("core", min_length=1, max_length=128, pattern=r"^\S+$")


class OrderIn(BaseModel):
    """An order to place through the order manager."""

    model_config = ConfigDict(extra="forbid")

    book: str = BookName
    symbol: str = Field(..., min_length=1, max_length=32)
    side: Literal["buy", "sell"]
    quantity: Decimal | None = Field(
        None, allow_inf_nan=False, description="Units, e.g. '10' or '0.05' (or give notional)."
    )
    notional: Decimal | None = Field(
        None,
        allow_inf_nan=False,
        description="Spend this amount instead (market orders; Alpaca, Binance and paper).",
    )
    order_type: Literal["market", "limit", "stop", "stop_limit"] = "market"
    time_in_force: Literal["day", "gtc", "ioc", "opg", "cls"] = "day"
    limit_price: Decimal | None = Field(None, allow_inf_nan=False)
    stop_price: Decimal | None = Field(None, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_size(self) -> OrderIn:
        if (self.quantity is None) == (self.notional is None):
            raise ValueError("give either quantity or notional, not both or neither")
        return self


class ReplaceIn(BaseModel):
    """What to change in a working order (at least one field)."""

    model_config = ConfigDict(extra="forbid")

    quantity: Decimal | None = Field(None, allow_inf_nan=False, gt=0)
    limit_price: Decimal | None = Field(None, allow_inf_nan=False, gt=0)
    stop_price: Decimal | None = Field(None, allow_inf_nan=False, gt=0)
    time_in_force: Literal["day", "gtc", "ioc", "opg", "cls"] | None = None


class PendingApprovalOut(BaseModel):
    """A recommend book's recommendation waiting for approval (its latest session)."""

    book: str
    session: dt.date
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal = Field(..., description="The decision price: the session's close.")
    client_order_id: str = Field(..., description="The id its order will have once approved.")


class ApproveRecommendationsIn(BaseModel):
    """Approve a recommend book's recommendations of one session: all, or the symbols named."""

    model_config = ConfigDict(extra="forbid")

    book: str = BookName
    session: dt.date
    symbols: list[str] = Field(default_factory=list, max_length=500)


class OrderOut(BaseModel):
    client_order_id: str
    book: str
    broker: str
    symbol: str
    side: str
    quantity: Decimal
    order_type: str
    time_in_force: str
    limit_price: Decimal | None
    stop_price: Decimal | None
    status: str
    filled_quantity: Decimal
    average_fill_price: Decimal | None
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    notional: Decimal | None = None
    replaces: str | None = None
    replaced_by: str | None = None


class PositionOut(BaseModel):
    book: str
    broker: str
    symbol: str
    quantity: Decimal


class FillOut(BaseModel):
    fill_id: str
    order_id: str
    book: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    commission: Decimal
    at: dt.datetime


class BrokerHealthOut(BaseModel):
    broker: str
    healthy: bool
    reason: str


class SwitchChange(BaseModel):
    """Engage or release a kill switch: who and why are kept with it."""

    model_config = ConfigDict(extra="forbid")

    scope: str = Scope
    reason: str = Field(..., min_length=1, max_length=500)
    by: str = Field("api", min_length=1, max_length=128)


class FlattenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    book: str = BookName
    reason: str = Field(..., min_length=1, max_length=500)


class HaltOut(BaseModel):
    scope: str
    cancelled: int


class DifferenceOut(BaseModel):
    kind: str
    subject: str
    ours: str
    theirs: str
    fixed: bool


class ReconciliationOut(BaseModel):
    run_id: str
    broker: str
    trigger: str
    clean: bool
    differences: list[DifferenceOut]


class TradingStatusOut(BaseModel):
    """Everything the Orders & Positions page shows."""

    open_orders: list[OrderOut]
    recent_orders: list[OrderOut]
    positions: list[PositionOut]
    fills: list[FillOut]
    health: list[BrokerHealthOut]
    halted: list[str] = Field(description="Scopes whose kill switch is engaged.")
