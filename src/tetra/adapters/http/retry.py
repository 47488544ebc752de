"""When to retry a vendor request, and how long to wait first."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass, field

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped, honouring the server's ``Retry-After``.

    Attempt ``n`` (from 0) waits a uniform draw in ``[0.5, 1] * min(max_delay, base * 2**n)``,
    or the server's ``Retry-After`` when that is longer. A ``Retry-After`` beyond
    `max_retry_after` is not waited out: the request fails now, to be retried by a later run.
    """

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return float(ceiling * self.rng.uniform(0.5, 1.0))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Return the seconds to wait before retry number `attempt` (0-based)."""
        return max(self.backoff(attempt), retry_after or 0.0)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())
