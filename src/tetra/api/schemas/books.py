"""Request and response models of the book routes (`routes/books.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
    risk_policy: str | None
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
