"""Settings of the Alpaca adapter: host (paper or live), keys, timeouts, crypto quote."""

from __future__ import annotations

import os
from dataclasses import dataclass

from tetra.core.errors import ConfigurationError

PAPER_HOST = "https://paper-api.alpaca.markets"
LIVE_HOST = "https://api.alpaca.markets"


@dataclass(frozen=True)
class AlpacaConfig:
    """Paper by default; live only when asked. `base_url` overrides the host (fakes, proxies)."""

    key_id: str
    secret_key: str
    paper: bool = True
    base_url: str | None = None
    stream_url: str | None = None
    timeout_seconds: float = 10.0
    heartbeat_seconds: float = 30.0
    name: str = "alpaca"

    @property
    def host(self) -> str:
        """Return the REST host: the override, else the paper or live host."""
        return self.base_url or (PAPER_HOST if self.paper else LIVE_HOST)

    @property
    def stream(self) -> str:
        """Return the trade_updates WebSocket URL (same host, path /stream)."""
        if self.stream_url:
            return self.stream_url
        return self.host.replace("https://", "wss://").replace("http://", "ws://") + "/stream"

    @classmethod
    def from_env(cls, *, paper: bool = True) -> AlpacaConfig:
        """Read APCA_API_KEY_ID and APCA_API_SECRET_KEY (paper uses its own keys)."""
        key, secret = os.environ.get("APCA_API_KEY_ID"), os.environ.get("APCA_API_SECRET_KEY")
        if not key or not secret:
            raise ConfigurationError("set APCA_API_KEY_ID and APCA_API_SECRET_KEY for Alpaca")
        return cls(key, secret, paper=paper)
