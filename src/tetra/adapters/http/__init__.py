"""What every HTTP vendor adapter shares: rate limits, retries, secret scrubbing.

`VendorHttp` wraps an `httpx.AsyncClient` (its transport injectable, so tests replay recorded
payloads through `httpx.MockTransport`); `TokenBucket` paces requests per key; `RetryPolicy`
backs off exponentially with jitter and honours ``Retry-After``; `Scrubber` removes keys from
anything that may reach a log or an error.
"""

from tetra.adapters.http.client import VendorHttp
from tetra.adapters.http.ratelimit import TokenBucket
from tetra.adapters.http.retry import RetryPolicy
from tetra.adapters.http.scrub import Scrubber

__all__ = ["RetryPolicy", "Scrubber", "TokenBucket", "VendorHttp"]
