"""A ready-made order manager for tests: a store, a risk engine, a book and brokers.

`trading_rig(store, brokers)` wires the order manager the way the composition roots do,
over a book (``core`` unless named) with 1,000,000 of equity and last closes for a few
symbols, so tests (ours and users') need one line to get a working OMS.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tetra.core.clock import FixedClock
from tetra.data.ports import Store
from tetra.execution.booking import LedgerPosting
from tetra.execution.broker import Broker
from tetra.execution.hours import MarketHours
from tetra.execution.journal import ExecutionJournal
from tetra.execution.manager import OrderManager
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.policy import RiskPolicy
from tetra.risk.pretrade import PreTradeEngine

START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)
PRICES = {
    "SPY": Decimal("500"),
    "QQQ": Decimal("400"),
    "AAPL": Decimal("200"),
    "TLT": Decimal("90"),
    "BTC": Decimal("60000"),
    "ETH": Decimal("3000"),
}


def book_snapshot(positions: dict[str, Decimal] | None = None) -> BookSnapshot:
    """Return the test book: 1,000,000 equity and buying power, `positions`, the PRICES."""
    return BookSnapshot(
        equity=Decimal(1_000_000),
        buying_power=Decimal(1_000_000),
        positions=positions or {},
        last_close=PRICES,
    )


@dataclass
class Rig:
    """The parts of a wired order manager, for a test to poke at."""

    manager: OrderManager
    journal: ExecutionJournal
    risk: PreTradeEngine
    clock: FixedClock
    store: Store
    book: str = "core"

    def restart(self, brokers: dict[str, Broker], *, book: str | None = None) -> Rig:
        """Return a fresh manager over the same store and brokers (a process restart)."""
        return trading_rig(
            self.store, brokers, clock=self.clock, policy=self.risk.policy,
            book=book or self.book, ledger=self.manager.ledger,
        )  # fmt: skip


def trading_rig(
    store: Store,
    brokers: dict[str, Broker],
    *,
    clock: FixedClock | None = None,
    policy: RiskPolicy | None = None,
    positions: dict[str, Decimal] | None = None,
    book: str = "core",
    hours: MarketHours | None = None,
    ledger: LedgerPosting | None = None,
) -> Rig:
    """Return an order manager over `store` and `brokers` trading `book` (within `hours`).

    Given `ledger`, the manager books its fills into the books' ledgers, as the composition
    roots' managers do (`tetra.adapters.brokers.factory.book_ledgers`).
    """
    clock = clock or FixedClock(START)
    risk = PreTradeEngine(
        policy or RiskPolicy(), clock=clock, kill_switches=KillSwitchBoard(store, clock)
    )
    risk.set_book(book, book_snapshot(positions))
    journal = ExecutionJournal(store)
    manager = OrderManager(journal, brokers, risk, clock=clock, hours=hours, ledger=ledger)
    return Rig(manager, journal, risk, clock, store, book)


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Return whether `check()` came true within `seconds` (polled every 20 ms): for what a
    broker's stream delivers on its own thread."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False
