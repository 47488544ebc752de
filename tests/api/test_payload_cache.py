"""The encoded-answer cache: bounded in bytes, least recently used out first, entries expire."""

from __future__ import annotations

import gzip

from tetra.api.payloads import GZIP_MINIMUM_BYTES, Payload, PayloadCache


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def payload(size: int, fill: bytes = b"x") -> Payload:
    return Payload.of(fill * size)


def test_a_payload_is_gzipped_once_when_large_enough_and_tagged_by_its_content() -> None:
    large, small = payload(GZIP_MINIMUM_BYTES), payload(GZIP_MINIMUM_BYTES - 1)

    assert large.gzipped is not None
    assert gzip.decompress(large.gzipped) == large.body
    assert small.gzipped is None
    assert payload(10).etag == payload(10).etag != payload(10, b"y").etag


def test_the_least_recently_used_entry_goes_first_when_over_the_bound() -> None:
    cache = PayloadCache(max_bytes=300, ttl=60)
    cache.put("a", payload(100))
    cache.put("b", payload(100))
    cache.get("a")
    cache.put("c", payload(150))

    assert (cache.get("a") is not None, cache.get("b"), cache.get("c") is not None) == (
        True,
        None,
        True,
    )


def test_an_entry_larger_than_the_bound_is_not_kept() -> None:
    cache = PayloadCache(max_bytes=100, ttl=60)
    cache.put("big", payload(200))

    assert cache.get("big") is None
    assert len(cache) == 0


def test_entries_expire_after_their_lifetime() -> None:
    ticks = Ticks()
    cache = PayloadCache(max_bytes=1000, ttl=10, clock=ticks)
    cache.put("a", payload(10))
    ticks.now = 9.9
    kept = cache.get("a")
    ticks.now = 10.0

    assert kept is not None
    assert cache.get("a") is None
