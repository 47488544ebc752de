"""Request and response models of the book routes (`routes/books.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tetra.risk import LimitKind


class BookPolicyOut(BaseModel):
    """A risk policy written out in the book (`risk_policy_table`), as an approved spec's is."""

    policy: dict[str, Any] = Field(
        description="The table as stored: a policy file's keys (see GET /api/risk/policy), "
        "defaults left out; weights and losses are fractions of equity."
    )
    limits: list[LimitKind] = Field(
        description="The limits it sets, in the order the risk engine checks them (empty when "
        "the table does not validate)."
    )
    problem: str | None = Field(
        description="Why the table does not validate, if it does not: the daily cycle then "
        "refuses the book."
    )


class BookSizingOut(BaseModel):
    """How the book's strategies size their entries: its `sizing` table."""

    method: str = Field(
        description="equal_weight, fixed_fractional, fixed_risk, volatility_target, "
        "inverse_volatility, risk_parity or kelly."
    )
    settings: dict[str, Any] = Field(
        description="The table's other settings as stored (see POST /api/backtests' sizing): "
        "fractions of equity, lookback in bars."
    )
    summary: str | None = Field(
        description="The validated table in one line, e.g. 'volatility_target(target=0.02)'; "
        "null when it does not validate."
    )
    problem: str | None = Field(
        description="Why the table does not validate, if it does not: the daily cycle then "
        "refuses the book."
    )


class BookOut(BaseModel):
    """A book's latest stored version."""

    name: str
    version: int
    saved_at: dt.datetime
    mode: str = Field(description="recommend, paper or live.")
    capital: Decimal
    benchmark: str
    symbols: list[str]
    strategies: list[str] = Field(description="Labels of the book's strategies.")
    risk_policy: str | None = Field(
        description="A named risk policy: 'default' (the shipped one) or a policy file's path."
    )
    risk_policy_table: BookPolicyOut | None = Field(
        description="A risk policy written out in the book instead of named; null if none."
    )
    sizing: BookSizingOut | None = Field(
        description="The book's sizing table; null when its strategies keep their own sizes "
        "(or a named policy's [sizing] table applies)."
    )
    description: str


class BookVersionOut(BaseModel):
    """One stored version of a book's definition and what changed from the one before."""

    version: int
    saved_at: dt.datetime
    digest: str
    mode: str
    definition: dict[str, Any]
    changed: list[str] = Field(description="Fields that differ from the previous version.")


class PositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=24)
    # 12 integer digits each, so quantity x cost fits the store's numeric(38, 12)
    quantity: Decimal = Field(
        allow_inf_nan=False, max_digits=24, decimal_places=12, description="Signed: short < 0."
    )
    average_cost: Decimal = Field(
        ge=0, allow_inf_nan=False, max_digits=24, decimal_places=12, description="Per unit."
    )


class HoldingsIn(BaseModel):
    """What a `recommend` book holds, as the user confirms it."""

    model_config = ConfigDict(extra="forbid")

    cash: Decimal = Field(allow_inf_nan=False, max_digits=26, decimal_places=12)
    positions: list[PositionIn] = Field(default_factory=list, max_length=1000)
    as_of: dt.date | None = Field(default=None, description="Default: today (UTC).")
    confirmed_by: str = Field(default="web", min_length=1, max_length=100)


class PositionOut(BaseModel):
    symbol: str
    quantity: Decimal
    cost: Decimal = Field(description="Total cost: quantity x average cost.")
    average_cost: Decimal


class HoldingsOut(BaseModel):
    book: str
    as_of: dt.date
    cash: Decimal
    positions: list[PositionOut]
