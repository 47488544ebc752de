"""Models every route shares: a page of results, the health answer, and the day type."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field

T = TypeVar("T")

EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2200, 12, 31)


def _within_range(day: dt.date) -> dt.date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"{day} is outside the valid range {EARLIEST_DAY}..{LATEST_DAY}")
    return day


Day = Annotated[dt.date, AfterValidator(_within_range)]
"""A day an API request may name: 1900-01-01..2200-12-31; anything else is a 422 naming it.

Without the bound a day such as 9999-12-31 reaches arithmetic (the next day, nanosecond
timestamps) that overflows deep inside a query.
"""


class Page(BaseModel, Generic[T]):
    """A page of results: `items`, the `total` count, and where this page starts."""

    items: list[T]
    total: int
    offset: int
    limit: int


class Health(BaseModel):
    status: str = Field(description="ok when the API answers and its store is reachable.")
    store_kind: str
    schema_version: int
    version: str
