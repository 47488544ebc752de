"""The demo's last step: a sample book's recommendations approved and sent to the paper broker.

The book (buy and hold over four ETFs, recommend mode) runs the daily cycle on the sample
store's last session; its allowed recommendations are approved as a user would
(`tetra trade approve`) and go through the order manager: pre-trade risk, stored before
sending, the paper broker (the backtests' exchange at the latest close). Prints the orders and
their fills.
"""

from __future__ import annotations

from rich.table import Table

from tetra.adapters.brokers.factory import order_manager
from tetra.cli.common import console
from tetra.core.clock import SystemClock
from tetra.cycle import CycleContext
from tetra.cycle.orders import send_recommendations
from tetra.cycle.runner import run_cycle
from tetra.data.ports import Store
from tetra.data.universe import load_universe
from tetra.portfolio import StoredBooks, parse_book
from tetra.strategy.library import STRATEGIES

DEMO_BOOK = "demo_paper"
DEMO_SYMBOLS = ("SPY", "QQQ", "TLT", "GLD")


def print_demo_trading(store: Store, symbols: tuple[str, ...] = DEMO_SYMBOLS) -> int:
    """Run the demo book's last day through the order manager; return how many orders filled."""
    clock = SystemClock()
    book = parse_book(DEMO_BOOK, {
        "capital": 100_000, "symbols": list(symbols), "benchmark": symbols[0], "mode": "recommend",
        "strategies": [{"strategy": "buy_and_hold", "weight": 1}],
    })  # fmt: skip
    shelf = StoredBooks(store)
    shelf.save_book(book, at=clock.now())
    result = run_cycle(
        CycleContext(store, shelf, STRATEGIES, clock, universe=load_universe()), DEMO_BOOK
    )
    manager = order_manager(store, "paper", [DEMO_BOOK], clock)
    manager.recover()
    orders = send_recommendations(manager, DEMO_BOOK, result.session, result.recommendations)
    table = Table(
        title=f"Paper trading: {DEMO_BOOK} on {result.session} (approved recommendations)"
    )
    for name in ("symbol", "side", "quantity", "status", "avg fill price", "reason"):
        table.add_column(name)
    for o in orders:
        price = "" if o.average_fill_price is None else f"{o.average_fill_price:,.2f}"
        table.add_row(o.symbol, o.side.value, f"{o.quantity:f}", o.status.value, price, o.reason)
    console.print(table)
    return sum(o.status.value == "filled" for o in orders)
