"""Models every route shares: a page of results, and the health answer."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


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
