"""Encoded JSON answers, cached, compressed once and revalidated by ETag.

`PayloadCache` keeps the bytes of answers by key (least recently used out first, bounded in
bytes, each entry for `ttl` seconds). `Payload` holds an answer's JSON, its gzip form (made
once, when it is large enough to gain) and a weak ETag over the JSON. `respond` answers 304
when the client's If-None-Match holds that ETag, else the gzip form when the client accepts
it, else the JSON; the GZip middleware leaves answers that carry a Content-Encoding alone.
Keys include `TtlCache.generation`, so a change to the store (which clears that cache)
retires every entry at once.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

GZIP_MINIMUM_BYTES = 1000
GZIP_LEVEL = 6
CACHE_CONTROL = "private, no-cache"  # keep it, but ask us (If-None-Match) before using it


@dataclass(frozen=True, slots=True)
class Payload:
    body: bytes
    gzipped: bytes | None
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Payload:
        """Encode `body` once: its gzip form if large enough, and its ETag."""
        large = len(body) >= GZIP_MINIMUM_BYTES
        packed = gzip.compress(body, GZIP_LEVEL, mtime=0) if large else None
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        return cls(body, packed, f'W/"{digest}"')

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class PayloadCache:
    def __init__(
        self, max_bytes: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_bytes, self.ttl = max_bytes, ttl
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Payload]] = OrderedDict()
        self._bytes = 0

    def get(self, key: str) -> Payload | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        if hit[0] <= self._clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return hit[1]

    def put(self, key: str, payload: Payload) -> None:
        if key in self._entries:
            self._drop(key)
        if payload.size > self.max_bytes:
            return
        self._entries[key] = (self._clock() + self.ttl, payload)
        self._bytes += payload.size
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _, payload = self._entries.pop(key)
        self._bytes -= payload.size

    def __len__(self) -> int:
        return len(self._entries)


def _matches(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match")
    if wanted is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _accepts_gzip(request: Request) -> bool:
    for coding in request.headers.get("accept-encoding", "").lower().split(","):
        name, _, params = coding.partition(";")
        if name.strip() not in ("gzip", "*"):
            continue
        quality = params.replace(" ", "").removeprefix("q=") or "1"
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def respond(request: Request, payload: Payload) -> Response:
    """Answer with `payload`: 304 when the client holds it, gzip when the client accepts it."""
    headers = {"ETag": payload.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if _matches(request, payload.etag):
        return Response(status_code=304, headers=headers)
    if payload.gzipped is not None and _accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return Response(payload.gzipped, media_type="application/json", headers=headers)
    return Response(payload.body, media_type="application/json", headers=headers)
