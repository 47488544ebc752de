"""One venue per broker adapter for the contract suite: the adapter, and a handle on its venue.

A venue sets prices (market orders fill at them), fills part of a working order, makes the
next submit a refusal, and builds a new adapter over the same venue (a process restart).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Protocol

from tetra.adapters.brokers.alpaca import AlpacaBroker, AlpacaConfig
from tetra.adapters.brokers.binance import BinanceBroker, BinanceConfig
from tetra.adapters.brokers.ibkr import IbkrBroker
from tetra.adapters.brokers.paper import PaperBroker, PaperConfig
from tetra.core.clock import FixedClock
from tetra.execution import Broker, Order
from tetra.testing.brokers import InMemoryBroker
from tetra.testing.brokers.alpaca import KEY_ID, SECRET, FakeAlpaca
from tetra.testing.brokers.binance import API_KEY, SECRET_KEY, FakeBinance
from tetra.testing.brokers.ibkr import FakeIB

CRYPTO = frozenset({"BTC", "ETH"})


class Venue(Protocol):
    broker: Broker
    partial_fills: bool
    symbol: str

    def price(self, symbol: str, price: Decimal) -> None: ...

    def fill_part(self, order: Order, quantity: Decimal, price: Decimal) -> None: ...

    def reject_next(self) -> None: ...

    def restart(self) -> Broker: ...


class MemoryVenue:
    partial_fills = True
    symbol = "SPY"

    def __init__(self, clock: FixedClock) -> None:
        self.broker = self.venue = InMemoryBroker(clock)

    def price(self, symbol: str, price: Decimal) -> None:
        self.venue.prices[symbol] = price

    def fill_part(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        self.venue.fill(order.client_order_id, quantity, price)

    def reject_next(self) -> None:
        self.venue.reject_next()

    def restart(self) -> Broker:
        return self.venue


class PaperVenue:
    partial_fills = False  # the simulated exchange fills whole orders, as the backtests do
    symbol = "SPY"

    def __init__(self, clock: FixedClock) -> None:
        self.broker = self.paper = PaperBroker(clock, PaperConfig(cash=Decimal(1_000_000)))

    def price(self, symbol: str, price: Decimal) -> None:
        self.paper.set_price(symbol, price)

    def fill_part(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        raise NotImplementedError

    def reject_next(self) -> None:
        self.paper.set_price(self.symbol, Decimal(10_000_000))  # more than the cash: refused

    def restart(self) -> Broker:
        return self.paper  # the paper venue lives in the process (see PaperBroker)


class AlpacaVenue:
    partial_fills = True
    symbol = "SPY"

    def __init__(self, clock: FixedClock, fake: FakeAlpaca) -> None:
        self.fake, self.clock = fake, clock
        self.broker = self.restart()

    def price(self, symbol: str, price: Decimal) -> None:
        self.fake.venue.prices[symbol] = price

    def fill_part(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        self.fake.venue.fill(order.client_order_id, quantity, price)

    def reject_next(self) -> None:
        self.fake.script("reject")

    def restart(self) -> Broker:
        config = AlpacaConfig(KEY_ID, SECRET, base_url=self.fake.base_url, timeout_seconds=0.2)
        return AlpacaBroker(config, self.clock, crypto=CRYPTO)


class BinanceVenue:
    partial_fills = True
    symbol = "BTC"

    def __init__(self, clock: FixedClock, fake: FakeBinance) -> None:
        self.fake, self.clock = fake, clock
        self.broker = self.restart()

    def price(self, symbol: str, price: Decimal) -> None:
        self.fake.venue.prices[self.symbol] = price

    def fill_part(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        self.fake.venue.fill(order.client_order_id, quantity, price)

    def reject_next(self) -> None:
        self.fake.script("reject")

    def restart(self) -> Broker:
        config = BinanceConfig(
            API_KEY, SECRET_KEY, base_url=self.fake.base_url, timeout_seconds=0.2
        )
        return BinanceBroker(config, self.clock)


class IbkrVenue:
    partial_fills = True
    symbol = "SPY"

    def __init__(self, clock: FixedClock) -> None:
        self.fake, self.clock = FakeIB(clock), clock
        self.broker = self.restart()

    def price(self, symbol: str, price: Decimal) -> None:
        self.fake.prices[symbol] = float(price)

    def fill_part(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        self.fake.fill(order.client_order_id, float(quantity), float(price))

    def reject_next(self) -> None:
        self.fake.reject_next()

    def restart(self) -> Broker:
        return IbkrBroker(self.fake, self.clock)  # type: ignore[arg-type]


@contextmanager
def open_venue(name: str, clock: FixedClock) -> Iterator[Venue]:
    if name == "memory":
        yield MemoryVenue(clock)
    elif name == "paper":
        yield PaperVenue(clock)
    elif name == "alpaca":
        with FakeAlpaca(clock, crypto=CRYPTO) as fake:
            yield AlpacaVenue(clock, fake)
    elif name == "ibkr":
        yield IbkrVenue(clock)
    elif name == "binance":
        with FakeBinance(clock) as fake:
            yield BinanceVenue(clock, fake)
    else:
        raise ValueError(name)
