"""A token bucket per API key: requests wait for tokens instead of earning a 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """Allow `rate` tokens per second on average, bursts up to `capacity`.

    `acquire(cost)` waits until `cost` tokens are available and takes them; a request of
    weight 2 (a Binance kline call) costs 2. Safe to share between tasks of one event loop.
    """

    def __init__(
        self,
        rate: float,
        capacity: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("a token bucket needs a positive rate and capacity")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = capacity
        self._updated = clock()
        self._lock = asyncio.Lock()

    @classmethod
    def per_minute(cls, requests: float, **kwargs: object) -> TokenBucket:
        """Build a bucket for a vendor quota stated per minute, bursting up to that quota."""
        return cls(requests / 60.0, requests, **kwargs)  # type: ignore[arg-type]

    async def acquire(self, cost: float = 1.0) -> float:
        """Take `cost` tokens, waiting as long as needed; return the seconds waited."""
        if cost > self.capacity:
            raise ValueError(f"cost {cost} exceeds the bucket's capacity {self.capacity}")
        waited = 0.0
        async with self._lock:
            self._refill()
            while self._tokens < cost:
                delay = (cost - self._tokens) / self.rate
                await self._sleep(delay)
                waited += delay
                self._refill()
            self._tokens -= cost
        return waited

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
