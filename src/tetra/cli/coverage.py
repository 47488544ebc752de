"""`tetra coverage`: how much data a store holds, per universe group and per symbol."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import typer
from rich.table import Table

from tetra.cli.common import KIND_OPTION, console, opened_store
from tetra.data.ports import Query, Store
from tetra.data.store_kind import StoreKind


def coverage_frame(store: Store) -> pd.DataFrame:
    """Return per-symbol bar coverage joined with each symbol's universe group."""
    rows = pd.DataFrame([asdict(row) for row in store.coverage()])
    if rows.empty:
        return pd.DataFrame(columns=["symbol", "source", "rows", "first", "last", "group"])
    symbols = store.read(Query("market_data.symbols", columns=["symbol", "universe_group"]))
    merged = rows.merge(symbols, on="symbol", how="left")
    return merged.rename(columns={"universe_group": "group"}).fillna({"group": "(not in universe)"})


def summary_by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Aggregate per-symbol coverage into one row per universe group and source."""
    grouped = frame.groupby(["group", "source"], sort=True)
    return grouped.agg(
        symbols=("symbol", "nunique"),
        rows=("rows", "sum"),
        first=("first", "min"),
        last=("last", "max"),
    ).reset_index()


def print_summary(store: Store, title: str) -> None:
    """Print the per-group coverage table of `store`, labelled with its kind."""
    frame = coverage_frame(store)
    summary = summary_by_group(frame)
    label = "SAMPLE DATA (synthetic)" if store.kind is StoreKind.SAMPLE else "live data"
    table = Table(title=f"{title} — {label}", title_style="bold")
    for name in ("group", "source", "symbols", "bars", "first", "last"):
        table.add_column(name, justify="right" if name in ("symbols", "bars") else "left")
    for row in summary.itertuples(index=False):
        table.add_row(
            str(row.group),
            str(row.source),
            f"{row.symbols:,}",
            f"{row.rows:,}",
            f"{row.first:%Y-%m-%d}",
            f"{row.last:%Y-%m-%d}",
        )
    table.add_section()
    table.add_row(
        "total", "", f"{frame['symbol'].nunique():,}", f"{int(frame['rows'].sum()):,}", "", ""
    )
    console.print(table)


def coverage(sample: bool = KIND_OPTION) -> None:
    """Show how many bars the store holds per universe group, and their date range."""
    kind = StoreKind.SAMPLE if sample else StoreKind.LIVE
    with opened_store(kind) as store:
        if store.count("market_data.ohlcv") == 0:
            console.print("The store holds no bars yet. Try `tetra sample load`.")
            raise typer.Exit(0)
        print_summary(store, "Bar coverage")
