"""`tetra cycle`: the daily decision cycle of the books declared in tetra.toml.

Each command first stores the declared books (a new version only when a definition
changed), then runs: `run` (one session, every book or `--book`), `replay` (a window, day
by day as if live), `confirm` (what a `recommend` book holds), `books` (the stored books),
`versions` (a book's versions and what changed). Bad input is one red line and exit code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from tetra.adapters.brokers.factory import order_manager
from tetra.cli.common import KIND_OPTION, console, fail_cleanly, opened_store, settings
from tetra.core.clock import Clock, SystemClock
from tetra.cycle import CycleContext, CycleResult, replay, run_cycle
from tetra.cycle.orders import send_recommendations
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.data.universe_on import universe_on
from tetra.execution import Order
from tetra.portfolio import (
    BookMode,
    Holdings,
    Position,
    StoredBooks,
    changed_fields,
    parse_book,
)
from tetra.strategy.library import STRATEGIES

app = typer.Typer(help="The daily cycle: books -> recommendations with reasoning.")

BOOK = typer.Option(None, "--book", help="Run only this book (default: every declared book).")
DATE = typer.Option(None, "--date", help="Session (YYYY-MM-DD); default: the last stored close.")


@contextmanager
def cycle_context(sample: bool) -> Iterator[CycleContext]:
    """Open the store, store the declared books and give the cycle's context."""
    kind = StoreKind.SAMPLE if sample else StoreKind.LIVE
    with opened_store(kind) as store, fail_cleanly():
        clock = SystemClock()
        books = StoredBooks(store)
        for name, table in settings().books.items():
            books.save_book(parse_book(name, table), at=clock.now())
        yield CycleContext(
            store, books, STRATEGIES, clock,
            universe=universe_on(store, load_universe(), clock.now().date()),  # today's joiners
            send_orders=paper_orders(store, clock),
        )  # fmt: skip


def paper_orders(store: Store, clock: Clock) -> Callable[[CycleResult], object]:
    """Return the hook that sends a paper book's recommendations to the paper broker."""

    def send(result: CycleResult) -> list[Order]:
        book = result.version.book.name
        manager = order_manager(store, "paper", [book], clock)
        manager.recover()
        before = manager.journal.orders(book=book)
        orders = send_recommendations(manager, book, result.session, result.recommendations)
        sent = len({o.client_order_id for o in orders} - {o.client_order_id for o in before})
        console.print(
            f"{book}: {sent} order(s) sent to the paper broker, {len(orders) - sent} sent before"
        )
        return orders

    return send


@app.command("run")
def run_command(
    book: str | None = BOOK,
    date: str | None = DATE,
    sample: bool = KIND_OPTION,
) -> None:
    """Run the cycle for one session and print each book's recommendations."""
    session = None if date is None else parse_date(date)
    with cycle_context(sample) as ctx:
        names = [book] if book else [v.name for v in ctx.books.books()]
        if not names:
            raise typer.BadParameter("no books: declare [books.<name>] in tetra.toml")
        for name in names:
            print_result(run_cycle(ctx, name, session))


@app.command("replay")
def replay_command(
    book: str = typer.Option(..., "--book", help="The book to replay."),
    start: str = typer.Option(..., help="First session (YYYY-MM-DD)."),
    end: str = typer.Option(..., help="Last session (YYYY-MM-DD)."),
    sample: bool = KIND_OPTION,
) -> None:
    """Run the cycle day by day over stored history, as if live; print the equity curve."""
    with cycle_context(sample) as ctx:
        table = Table("session", "equity", "orders", "fills", title=f"replay of {book}")
        for result in replay(ctx, book, parse_date(start), parse_date(end)):
            table.add_row(
                str(result.session),
                f"{result.valuation.equity:,.2f}",
                str(len(result.recommendations)),
                str(len(result.fills)),
            )
        console.print(table)


@app.command("confirm")
def confirm_command(
    book: str = typer.Option(..., "--book", help="The book whose holdings you confirm."),
    cash: str = typer.Option(..., help="Cash held, e.g. 25000.00."),
    position: list[str] = typer.Option(
        [], "--position", help="SYMBOL=QUANTITY@AVERAGE_COST, e.g. SPY=10@412.5; repeatable."
    ),
    date: str | None = DATE,
    by: str = typer.Option("cli", help="Who confirms (recorded)."),
    sample: bool = KIND_OPTION,
) -> None:
    """Record what a `recommend` book holds: its next cycle starts from these holdings."""
    with cycle_context(sample) as ctx:
        version = ctx.books.book(book)
        if version is None:
            raise typer.BadParameter(f"no book named {book!r}", param_hint="--book")
        if version.book.mode is not BookMode.RECOMMEND:
            raise typer.BadParameter(
                f"{book} is a {version.book.mode.value} book: its positions come from its fills",
                param_hint="--book",
            )
        day = parse_date(date) if date else ctx.clock.now().date()
        held = dict(_position(p) for p in position)
        unknown = sorted(set(held) - set(version.book.symbols))
        if unknown:
            raise typer.BadParameter(
                f"{', '.join(unknown)} not among the symbols of {book}", param_hint="--position"
            )
        holdings = Holdings(day, _money(cash, "--cash"), held)
        ctx.books.confirm_holdings(book, holdings, by=by, at=ctx.clock.now())
        shown = ", ".join(f"{s} {p.quantity}" for s, p in holdings.positions.items()) or "none"
        console.print(f"{book} on {day}: cash {holdings.cash:,}, positions {shown}")


def _position(text: str) -> tuple[str, Position]:
    symbol, _, rest = text.partition("=")
    quantity, _, cost = rest.partition("@")
    if not symbol or not quantity or not cost:
        raise typer.BadParameter(
            f"{text!r}: expected SYMBOL=QUANTITY@COST", param_hint="--position"
        )
    units = _money(quantity, "--position")
    return symbol.upper(), Position(symbol.upper(), units, units * _money(cost, "--position"))


def _money(text: str, hint: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"{text!r} is not a number", param_hint=hint) from None
    if not value.is_finite():
        raise typer.BadParameter(f"{text!r} is not a finite number", param_hint=hint)
    return value


@app.command("books")
def books_command(sample: bool = KIND_OPTION) -> None:
    """List the stored books with their latest version."""
    with cycle_context(sample) as ctx:
        table = Table("book", "version", "mode", "capital", "strategies", "symbols")
        for version in ctx.books.books():
            b = version.book
            strategies = ", ".join(f"{s.label} {s.weight}" for s in b.strategies)
            table.add_row(
                b.name,
                str(version.version),
                b.mode,
                f"{b.capital:,}",
                strategies,
                str(len(b.symbols)),
            )
        console.print(table)


@app.command("versions")
def versions_command(
    book: str = typer.Option(..., "--book", help="The book whose versions to list."),
    sample: bool = KIND_OPTION,
) -> None:
    """List every stored version of a book, newest first, with what changed."""
    with cycle_context(sample) as ctx:
        versions = ctx.books.versions(book)
        if not versions:
            raise typer.BadParameter(f"no book named {book!r}", param_hint="--book")
        table = Table("version", "saved at", "mode", "digest", "changed", title=book)
        rows = []
        for before, v in zip([None, *versions[:-1]], versions, strict=True):
            changed = "first" if before is None else ", ".join(changed_fields(before.book, v.book))
            rows.append(
                (
                    str(v.version),
                    f"{v.saved_at:%Y-%m-%d %H:%M}",
                    v.book.mode.value,
                    v.digest,
                    changed,
                )
            )
        for row in reversed(rows):
            table.add_row(*row)
        console.print(table)


def print_result(result: CycleResult) -> None:
    """Print one book's recommendations with the rule behind each."""
    value = result.valuation
    title = (
        f"{result.version.name} at {result.session}: equity {value.equity:,.2f}, "
        f"cash {value.cash:,.2f}"
    )
    table = Table("symbol", "order", "price", "target", "risk", "why", title=title)
    for rec in result.recommendations:
        why = "; ".join(f"{r['strategy']}: {r['rule']}" for r in rec.reasoning)
        risk = "ok" if rec.allowed else f"denied: {rec.risk.get('code')}"
        table.add_row(
            rec.symbol,
            f"{rec.side} {abs(rec.quantity)}",
            str(rec.price),
            str(rec.target),
            risk,
            why,
        )
    console.print(table)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None
