"""News identity: the stable id every source gives the same article."""

from __future__ import annotations

import hashlib


def article_id_for(url: str) -> str:
    """Return the stable id of an article: a hash of its URL without query or fragment."""
    canonical = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").lower()
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
