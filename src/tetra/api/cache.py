"""A time-to-live cache that serves stale answers while it refreshes them.

A fresh entry is returned as is; an expired one is still returned at once while a single
background task rebuilds it (stale-while-revalidate), so no request waits for a rebuild
except the very first. `clear()` forces the next request to rebuild (after a run changed
the store).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any


class TtlCache:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._values: dict[str, tuple[float, Any]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        self.generation = 0  # the store's version as this process knows it: +1 on clear()

    async def get(self, key: str, build: Callable[[], Awaitable[Any]]) -> Any:
        hit = self._values.get(key)
        if hit is not None:
            if hit[0] <= self._clock() and key not in self._refreshing:
                self._refreshing[key] = asyncio.create_task(self._refresh(key, build))
            return hit[1]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            hit = self._values.get(key)
            if hit is None:
                await self._store(key, build)
            return self._values[key][1]

    async def _refresh(self, key: str, build: Callable[[], Awaitable[Any]]) -> None:
        try:
            await self._store(key, build)
        finally:
            self._refreshing.pop(key, None)

    async def _store(self, key: str, build: Callable[[], Awaitable[Any]]) -> None:
        value = await build()
        self._values[key] = (self._clock() + self.ttl, value)

    def clear(self) -> None:
        """Forget every value, so the next request rebuilds (after the store changed)."""
        self.generation += 1
        self._values.clear()
        for task in self._refreshing.values():
            task.cancel()
        self._refreshing.clear()

    async def aclose(self) -> None:
        for task in list(self._refreshing.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
