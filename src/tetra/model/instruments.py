"""Instruments of the universe and the vocabulary that classifies them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from tetra.core.errors import ValidationError

_SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,19}$")


class AssetClass(StrEnum):
    """What kind of thing an instrument is."""

    EQUITY = "equity"
    ETF = "etf"
    CRYPTO = "crypto"


class UniverseGroup(StrEnum):
    """The groups of Tetra's universe, as the product scope names them."""

    LARGEST_ETFS = "largest_etfs"
    THEMED_ETFS = "themed_etfs"
    LARGEST_STOCKS = "largest_stocks"
    GROWTH_STOCKS = "growth_stocks"
    CRYPTO = "crypto"


@dataclass(frozen=True, slots=True)
class Instrument:
    """A tradable instrument: its symbol, classification and listing facts.

    `themes` are free-form lower-case tags (e.g. ``"quantum"``, ``"broad_market"``);
    `listed` is the first trading day, when it falls inside the history Tetra keeps.
    Crypto symbols are quoted against `currency` (``BTC`` priced in ``USD``).
    """

    symbol: str
    name: str
    asset_class: AssetClass
    group: UniverseGroup
    exchange: str
    currency: str = "USD"
    themes: tuple[str, ...] = field(default_factory=tuple)
    sector: str | None = None
    listed: dt.date | None = None

    def __post_init__(self) -> None:
        if not _SYMBOL.match(self.symbol):
            raise ValidationError(
                f"invalid symbol {self.symbol!r}: use upper-case A-Z, 0-9, '.', '-'"
            )
        if not self.name.strip():
            raise ValidationError(f"{self.symbol}: name is empty")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValidationError(f"{self.symbol}: currency {self.currency!r} is not an ISO code")
        if (self.asset_class is AssetClass.CRYPTO) != (self.group is UniverseGroup.CRYPTO):
            raise ValidationError(
                f"{self.symbol}: asset class {self.asset_class} does not fit group {self.group}"
            )

    @property
    def trades_every_day(self) -> bool:
        """Whether it trades on every calendar day (crypto) rather than exchange sessions."""
        return self.asset_class is AssetClass.CRYPTO
