"""A small time-to-live cache for answers that are expensive to build and fine a bit stale."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


class TtlCache:
    """Keep each key's value for `ttl` seconds; concurrent misses build it only once."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._values: dict[str, tuple[float, Any]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str, build: Callable[[], Awaitable[Any]]) -> Any:
        hit = self._values.get(key)
        if hit is not None and hit[0] > self._clock():
            return hit[1]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] > self._clock():
                return hit[1]
            value = await build()
            self._values[key] = (self._clock() + self.ttl, value)
            return value

    def clear(self) -> None:
        """Forget everything, e.g. after a pipeline run changed the store."""
        self._values.clear()
