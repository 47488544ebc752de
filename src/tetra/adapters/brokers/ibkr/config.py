"""Settings of the Interactive Brokers adapter: the TWS / IB Gateway socket and client id."""

from __future__ import annotations

from dataclasses import dataclass

PORTS = {
    ("tws", False): 7497,
    ("tws", True): 7496,
    ("gateway", False): 4002,
    ("gateway", True): 4001,
}


@dataclass(frozen=True)
class IbkrConfig:
    """Paper by default (TWS 7497 / Gateway 4002); `client_id` must be unique per connection."""

    host: str = "127.0.0.1"
    app: str = "gateway"  # or "tws"
    live: bool = False
    client_id: int = 17
    account: str = ""
    crypto_exchange: str = "PAXOS"
    name: str = "ibkr"

    @property
    def port(self) -> int:
        """Return the API port of the app and mode."""
        return PORTS[(self.app, self.live)]
