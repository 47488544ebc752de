"""Keep API keys out of logs, errors and stored URLs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Query parameters that carry keys at Polygon (apiKey), FRED (api_key), Alpha Vantage
# (apikey) and CoinGecko (x_cg_demo_api_key), plus the usual suspects.
_KEY_PARAMS = re.compile(
    r"(?i)\b(api_?key|apikey|x_cg_(?:demo|pro)_api_key|token|secret|signature|password)=([^&\s'\"]+)"
)


class Scrubber:
    """Replace known secret values and key-like query parameters with ``***``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _KEY_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)


class ScrubbingFilter(logging.Filter):
    """Scrub every record of a logger we do not own (httpx logs full request URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._scrub = Scrubber()

    def add(self, secrets: Iterable[str | None]) -> None:
        self._secrets |= {s for s in secrets if s}
        self._scrub = Scrubber(self._secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self._scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


LIBRARY_FILTER = ScrubbingFilter()


def guard_library_logs(secrets: Iterable[str | None]) -> None:
    """Make sure the HTTP libraries' own log lines never carry these secrets or key params."""
    LIBRARY_FILTER.add(secrets)
    for name in ("httpx", "httpcore"):
        library = logging.getLogger(name)
        if LIBRARY_FILTER not in library.filters:
            library.addFilter(LIBRARY_FILTER)
