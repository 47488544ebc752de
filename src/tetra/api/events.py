"""Live updates: an in-process hub, relayed through Redis pub/sub when Redis is configured.

Publishers (pipeline and backtest runs, in this process or another) call `publish` with a
JSON-able event; every WebSocket subscriber receives it. With a Redis URL the hub also
publishes to, and listens on, the ``tetra:events`` channel, so events cross processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

log = logging.getLogger(__name__)
CHANNEL = "tetra:events"
Event = dict[str, Any]


class EventHub:
    """Fan events out to subscribers; a slow subscriber loses old events, not the hub."""

    def __init__(self, queue_size: int = 256) -> None:
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self._queue_size = queue_size
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None

    def subscribe(self) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        self._subscribers.discard(queue)

    async def publish(self, event: Event) -> None:
        """Deliver `event` here and, through Redis, to the other processes."""
        if self._redis is not None:
            await self._redis.publish(CHANNEL, json.dumps(event, default=str))
        else:
            self.deliver(event)

    def deliver(self, event: Event) -> None:
        for queue in list(self._subscribers):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    async def connect_redis(self, url: str) -> None:
        """Relay through Redis: publish there, and deliver what arrives from there."""
        from redis import asyncio as redis_asyncio

        self._redis = redis_asyncio.from_url(url)
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(CHANNEL)
        self._listener = asyncio.create_task(self._listen(pubsub))

    async def _listen(self, pubsub: Any) -> None:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                try:
                    self.deliver(json.loads(message["data"]))
                except (ValueError, TypeError):
                    log.warning("ignored a malformed event on %s", CHANNEL)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()
