"""Settings of the Binance spot adapter: host (live or testnet), keys, quote asset."""

from __future__ import annotations

import os
from dataclasses import dataclass

from tetra.core.errors import ConfigurationError

LIVE_HOST = "https://api.binance.com"
TESTNET_HOST = "https://testnet.binance.vision"
LIVE_STREAM = "wss://ws-api.binance.com:443/ws-api/v3"  # the WebSocket API: user data
TESTNET_STREAM = "wss://ws-api.testnet.binance.vision/ws-api/v3"


@dataclass(frozen=True)
class BinanceConfig:
    """Spot trading; `testnet` picks the testnet host; `base_url` overrides (fakes, proxies)."""

    api_key: str
    secret_key: str
    testnet: bool = False
    base_url: str | None = None
    quote: str = "USDT"  # Tetra's BTC trades as BTCUSDT
    recv_window_ms: int = 5000
    timeout_seconds: float = 10.0
    stream_url: str | None = None
    heartbeat_seconds: float = 30.0
    name: str = "binance"

    @property
    def host(self) -> str:
        """Return the REST host: the override, else testnet or live."""
        return self.base_url or (TESTNET_HOST if self.testnet else LIVE_HOST)

    @property
    def stream(self) -> str:
        """Return the WebSocket API URL the user data stream subscribes on."""
        return self.stream_url or (TESTNET_STREAM if self.testnet else LIVE_STREAM)

    @classmethod
    def from_env(cls, *, testnet: bool = False) -> BinanceConfig:
        """Read BINANCE_API_KEY and BINANCE_SECRET_KEY."""
        key, secret = os.environ.get("BINANCE_API_KEY"), os.environ.get("BINANCE_SECRET_KEY")
        if not key or not secret:
            raise ConfigurationError("set BINANCE_API_KEY and BINANCE_SECRET_KEY for Binance")
        return cls(key, secret, testnet=testnet)
