"""Publish events to the API's hub from another process (the CLI, the scheduler) via Redis.

The API relays whatever arrives on the ``tetra:events`` channel to its WebSocket clients.
`publish_sync` sends one event; `PipelineEvents` sends a pipeline run's progress:

- ``{"type": "pipeline", "run_id", "step", "done", "total"}`` after each unit of work;
- ``{"type": "pipeline", "run_id", "status": "finished", "outcome"}`` at the end, on which
  every API process clears its coverage cache and tells its clients ``coverage_changed``.

Redis being down never fails the run: the first error is logged and publishing stops.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from tetra.api.events import CHANNEL, Event

log = logging.getLogger(__name__)


def publish_sync(url: str, event: Event) -> None:
    """Publish one JSON event on the hub's Redis channel (blocking; opens one connection)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.publish(CHANNEL, json.dumps(event, default=str))
    finally:
        client.close()


class PipelineEvents:
    """Progress of one pipeline run on Redis; a no-op without a URL.

    Use `progress(step, done, total)` as (or inside) the pipeline's progress callback and
    `finished(outcome)` once the run returns.
    """

    def __init__(self, url: str | None, run_id: str | None = None) -> None:
        self.run_id = run_id or f"cli-{uuid.uuid4().hex[:12]}"
        self._client: Any = None
        if url:
            import redis

            self._client = redis.Redis.from_url(url, socket_timeout=2.0)

    def progress(self, step: object, done: int, total: int) -> None:
        name = getattr(step, "value", step)
        self._send(
            {"type": "pipeline", "run_id": self.run_id, "step": name, "done": done, "total": total}
        )

    def finished(self, outcome: str) -> None:
        """Announce the end of the run (`outcome`: success, partial or failed) and close."""
        event = {"type": "pipeline", "run_id": self.run_id, "status": "finished"}
        self._send({**event, "outcome": outcome})
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _send(self, event: Event) -> None:
        if self._client is None:
            return
        import redis

        try:
            self._client.publish(CHANNEL, json.dumps(event, default=str))
        except redis.RedisError as error:
            log.warning("stopped publishing pipeline events: %s", error)
            self.close()
