"""For suites whose routes start background work: a store of seeded bars and an async client.

The requests go through httpx's ASGI transport in the test's own event loop (anyio), so a
background task the app starts keeps running between the test's calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from tetra.adapters.stores import open_store
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.testing import bars_frame

KEY = "test-key"


@contextmanager
def seeded_store(folder: Path, symbols: Sequence[str], periods: int) -> Iterator[Store]:
    """Give a live DuckDB store holding `periods` daily bars of each symbol from 2023-01-02."""
    store = open_store(str(folder / "api.duckdb"), StoreKind.LIVE)
    store.upsert("market_data.ohlcv", bars_frame(symbols, start="2023-01-02", periods=periods))
    try:
        yield store
    finally:
        store.close()


@asynccontextmanager
async def api_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Give an async client of `app` that sends the API key."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"X-API-Key": KEY}
    ) as client:
        yield client
