"""`tetra trade`: orders through the order manager, approvals, kill switch, reconciliation.

Every order passes the pre-trade risk engine and is stored before it is sent; a denial or a
broker's refusal is printed with its reason and exits with code 3. Live trading needs a book
configured ``mode: live``, ``--live`` and a typed confirmation (or ``--yes`` in scripts); the
default broker is paper. Through Alpaca and IB a day or ioc equity order while XNYS is closed
is refused with the next open (`tetra.execution.hours`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from tetra.adapters.brokers.factory import BROKERS, order_manager, register_book
from tetra.cli.common import console, errors, fail_cleanly, opened_store
from tetra.core.clock import SystemClock
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.execution import (
    Order,
    OrderManager,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    reconcile,
)
from tetra.portfolio import BookMode, StoredBooks
from tetra.risk.killswitch import GLOBAL_SCOPE, KillSwitchBoard

app = typer.Typer(
    help="Trading: orders, approvals, the kill switch and reconciliation.", no_args_is_help=True
)

EXIT_BAD_INPUT, EXIT_REFUSED = 2, 3
BOOK = typer.Option("core", help="The book the orders belong to.")
BROKER = typer.Option("paper", help=f"Broker: {', '.join(BROKERS)}.")
SAMPLE = typer.Option(False, "--sample/--live-store", help="Sample store or the live store.")
LIVE = typer.Option(False, "--live", help="Trade for real (paper host/testnet otherwise).")
YES = typer.Option(False, "--yes", help="Confirm live trading without the prompt.")
REASON = typer.Option(..., help="Why (kept with the kill switch change).")
BY = typer.Option("cli", help="Who (kept with the change).")


@contextmanager
def trading(
    sample: bool, broker: str, books: Sequence[str], live: bool, yes: bool,
    *, live_books_only: bool = True,
) -> Iterator[OrderManager]:  # fmt: skip
    """Open the store and an order manager; check and confirm live trading; flush at the end.

    Live trading needs both: each book configured ``mode: live`` (unless `live_books_only`
    is off, for flatten, which only reduces risk) and the typed confirmation (or ``--yes``).
    """
    with opened_store(StoreKind.SAMPLE if sample else StoreKind.LIVE) as store, fail_cleanly():
        if live and live_books_only:
            _require_live_books(store, books)
        if live and not yes:
            typer.confirm(f"Trade LIVE through {broker}? Real money", abort=True)
        manager = order_manager(store, broker, books, SystemClock(), live=live)
        manager.recover()
        try:
            yield manager
        finally:
            manager.pump()
            manager.journal.flush()


def _require_live_books(store: Store, books: Sequence[str]) -> None:
    """Exit with the reason unless every book is stored and configured live."""
    shelf = StoredBooks(store)
    for book in books:
        version = shelf.book(book)
        mode = "an unknown" if version is None else f"a {version.book.mode.value}"
        if version is None or version.book.mode is not BookMode.LIVE:
            errors.print(f"{book} is {mode} book: --live trades only books configured mode: live")
            raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def submit(
    symbol: str,
    quantity: str | None = typer.Argument(None, help="Units (or give --notional)."),
    notional: str | None = typer.Option(None, help="Spend this amount instead (market orders)."),
    side: Side = typer.Option(Side.BUY, help="buy or sell."),
    order_type: OrderType = typer.Option(OrderType.MARKET, "--type", help="Order type."),
    limit: str | None = typer.Option(None, help="Limit price (limit, stop_limit)."),
    stop: str | None = typer.Option(None, help="Stop price (stop, stop_limit)."),
    tif: TimeInForce = typer.Option(TimeInForce.DAY, help="Time in force."),
    book: str = BOOK,
    broker: str = BROKER,
    sample: bool = SAMPLE,
    live: bool = LIVE,
    yes: bool = YES,
) -> None:
    """Send one order; print its state, or why it was refused."""
    if (quantity is None) == (notional is None):
        errors.print("give either a quantity or --notional, not both or neither")
        raise typer.Exit(EXIT_BAD_INPUT)
    request = OrderRequest(
        book, symbol.upper(), side, _decimal(quantity, "quantity") if quantity else Decimal(0),
        order_type, tif, _decimal(limit, "limit") if limit else None,
        _decimal(stop, "stop") if stop else None,
        notional=_decimal(notional, "notional") if notional else None,
    )  # fmt: skip
    with trading(sample, broker, [book], live, yes) as manager:
        order = manager.submit(request)
        manager.pump()
        _print_orders([manager.journal.order(order.client_order_id) or order])
    if order.status is OrderStatus.REJECTED:
        raise typer.Exit(EXIT_REFUSED)


@app.command()
def approve(
    book: str,
    session: str = typer.Option(..., help="The cycle's session date (YYYY-MM-DD)."),
    symbol: list[str] = typer.Option([], "--symbol", help="Approve only these; repeatable."),
    broker: str = BROKER,
    sample: bool = SAMPLE,
    live: bool = LIVE,
    yes: bool = YES,
) -> None:
    """Send a recommend-mode book's recommendations of a session (all, or some).

    Approving twice sends nothing new: each recommendation's order has a client id derived
    from the book, the session and the symbol, and the order already sent is shown instead.
    """
    from tetra.cycle.orders import order_requests, send_recommendations
    from tetra.cycle.records import read_recommendations

    day = _date(session)
    wanted = {s.upper() for s in symbol}
    with trading(sample, broker, [book], live, yes) as manager:
        found = read_recommendations(manager.journal.store, book, day)
        if not order_requests(book, day, found, wanted):
            errors.print(f"no approvable recommendations for {book} on {day}")
            raise typer.Exit(EXIT_BAD_INPUT)
        _print_orders(send_recommendations(manager, book, day, found, wanted))


@app.command()
def cancel(client_order_id: str, broker: str = BROKER, sample: bool = SAMPLE) -> None:
    """Cancel an open order (cancels pass every trading state)."""
    with trading(sample, broker, [], False, True) as manager:
        order = manager.cancel(client_order_id)
    _print_orders([order])


@app.command()
def replace(
    client_order_id: str,
    quantity: str | None = typer.Option(None, help="New quantity."),
    limit: str | None = typer.Option(None, help="New limit price."),
    stop: str | None = typer.Option(None, help="New stop price."),
    tif: TimeInForce | None = typer.Option(None, help="New time in force."),
    broker: str = BROKER,
    sample: bool = SAMPLE,
) -> None:
    """Amend a working order: a replacement with its own id; the original is cancelled."""
    with trading(sample, broker, [], False, True) as manager:
        original = manager.journal.order(client_order_id)
        if original is not None:  # the risk engine checks the replacement against its book
            register_book(manager, manager.journal.store, original.book)
        try:
            replacement = manager.replace(
                client_order_id,
                quantity=_decimal(quantity, "quantity") if quantity else None,
                limit_price=_decimal(limit, "limit") if limit else None,
                stop_price=_decimal(stop, "stop") if stop else None,
                time_in_force=tif,
            )
        except ValidationError as error:
            errors.print(str(error))
            raise typer.Exit(EXIT_BAD_INPUT) from error
        manager.pump()
        _print_orders([manager.journal.order(replacement.client_order_id) or replacement])
    if replacement.status is OrderStatus.REJECTED:
        raise typer.Exit(EXIT_REFUSED)


@app.command()
def halt(
    book: str = typer.Option(GLOBAL_SCOPE, help="A book, or '*' for all."),
    reason: str = REASON,
    by: str = BY,
    broker: str = BROKER,
    sample: bool = SAMPLE,
) -> None:
    """Engage the kill switch: new risk is refused and open orders are cancelled."""
    books = [] if book == GLOBAL_SCOPE else [book]
    with trading(sample, broker, books, False, True) as manager:
        cancelled = manager.halt(book, reason, by)
    console.print(f"[bold red]HALTED[/] {book}: {reason} ({cancelled} open orders cancelled)")


@app.command()
def resume(
    book: str = typer.Option(GLOBAL_SCOPE, help="A book, or '*' for all."),
    reason: str = REASON,
    by: str = BY,
    broker: str = BROKER,
    sample: bool = SAMPLE,
) -> None:
    """Release the kill switch."""
    books = [] if book == GLOBAL_SCOPE else [book]
    with trading(sample, broker, books, False, True) as manager:
        manager.resume(book, reason, by)
    console.print(f"[green]ACTIVE[/] {book}: {reason}")


@app.command()
def flatten(
    book: str, reason: str = REASON, broker: str = BROKER, sample: bool = SAMPLE,
    live: bool = LIVE, yes: bool = YES,
) -> None:  # fmt: skip
    """Close every position of a book through REDUCING (works while halted; live in any mode)."""
    with trading(sample, broker, [book], live, yes, live_books_only=False) as manager:
        placed = manager.flatten(book, reason)
        manager.pump()
        _print_orders([manager.journal.order(o.client_order_id) or o for o in placed])


@app.command("reconcile")
def reconcile_command(broker: str = BROKER, sample: bool = SAMPLE) -> None:
    """Compare our orders and positions with the broker's; fix what is safe, list the rest."""
    with trading(sample, broker, [], False, True) as manager:
        result = reconcile(manager, broker, "manual", SystemClock())
    for difference in result.differences:
        colour = "green" if difference.fixed else "yellow"
        console.print(f"[{colour}]{difference.describe()}[/]")
    console.print("clean" if result.clean else f"{len(result.reported)} difference(s) to check")


@app.command()
def status(book: str | None = None, broker: str = BROKER, sample: bool = SAMPLE) -> None:
    """Open orders, recent fills, positions, kill switches and the broker's health."""
    with trading(sample, broker, [], False, True) as manager:
        orders = manager.journal.orders(book=book)
        _print_orders([o for o in orders if o.is_open], "Open orders")
        _print_orders([o for o in orders if not o.is_open][-20:], "Recent orders")
        _print_positions(manager, book)
        _print_switches(manager.journal.store)
        health = manager.brokers[broker].health()
        state = "[green]healthy[/]" if health.healthy else f"[red]unhealthy[/]: {health.reason}"
        console.print(f"broker {broker}: {state}")


def _print_orders(orders: Sequence[Order], title: str = "Orders") -> None:
    table = Table(title=title)
    for name in ("client order id", "book", "symbol", "side", "qty", "type", "status", "filled",
                 "avg price", "reason"):  # fmt: skip
        table.add_column(name)
    for o in orders:
        table.add_row(
            o.client_order_id, o.book, o.symbol, o.side.value, f"{o.quantity:f}",
            o.order_type.value, o.status.value, f"{o.filled_quantity:f}",
            "" if o.average_fill_price is None else f"{o.average_fill_price:f}", o.reason,
        )  # fmt: skip
    console.print(table)


def _print_positions(manager: OrderManager, book: str | None) -> None:
    table = Table(title="Positions")
    for name in ("book", "broker", "symbol", "quantity"):
        table.add_column(name)
    for (held_by, broker, symbol), quantity in sorted(manager.journal.positions().items()):
        if book is None or held_by == book:
            table.add_row(held_by, broker, symbol, f"{quantity:f}")
    console.print(table)


def _print_switches(store: Store) -> None:
    for switch in KillSwitchBoard(store, SystemClock()).all():
        state = "[red]halted[/]" if switch.engaged else "[green]active[/]"
        console.print(
            f"kill switch {switch.scope}: {state} ({switch.reason}, by {switch.changed_by})"
        )


def _decimal(text: str, name: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.print(f"[bold red]error:[/] {name} {text!r} is not a number")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if not value.is_finite():
        errors.print(f"[bold red]error:[/] {name} {text!r} is not a finite number")
        raise typer.Exit(EXIT_BAD_INPUT)
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.print(f"[bold red]error:[/] session {text!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(EXIT_BAD_INPUT) from None
