"""`tetra universe`: browse the investment universe, whole or filtered, and its groups."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from tetra.data.universe import Universe, load_universe
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup

app = typer.Typer(help="Browse Tetra's investment universe.", no_args_is_help=True)

_RECORD_FIELDS = (
    "symbol",
    "name",
    "group",
    "asset_class",
    "themes",
    "sector",
    "exchange",
    "currency",
    "listed",
)


class OutputFormat(StrEnum):
    """How `tetra universe list` prints the instruments."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


GroupOption = Annotated[
    UniverseGroup | None, typer.Option("--group", "-g", help="Keep one group only.")
]
ThemeOption = Annotated[
    str | None, typer.Option("--theme", "-t", help="Keep instruments tagged with this theme.")
]
AssetClassOption = Annotated[
    AssetClass | None, typer.Option("--asset-class", "-a", help="Keep one asset class only.")
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


@app.command("list")
def list_instruments(
    group: GroupOption = None,
    theme: ThemeOption = None,
    asset_class: AssetClassOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the instruments of the universe, optionally filtered."""
    universe = load_universe()
    selected = _filter(universe, group, _known_theme(universe, theme), asset_class)
    _PRINTERS[output_format](selected)


@app.command("groups")
def list_groups() -> None:
    """List the groups of the universe with how many instruments each holds."""
    universe = load_universe()
    table = Table("group", "instruments", caption=f"{len(universe)} instruments in all")
    for group in UniverseGroup:
        table.add_row(group.value, str(len(universe.by_group(group))))
    Console().print(table)


def _known_theme(universe: Universe, theme: str | None) -> str | None:
    if theme is not None and theme not in universe.themes:
        known = ", ".join(universe.themes)
        raise typer.BadParameter(
            f"no instrument has theme {theme!r}; known themes: {known}", param_hint="'--theme'"
        )
    return theme


def _filter(
    universe: Universe,
    group: UniverseGroup | None,
    theme: str | None,
    asset_class: AssetClass | None,
) -> Universe:
    if group is not None:
        universe = universe.by_group(group)
    if theme is not None:
        universe = universe.by_theme(theme)
    if asset_class is not None:
        universe = universe.by_asset_class(asset_class)
    return universe


def _print_table(universe: Universe) -> None:
    table = Table(
        Column("symbol", no_wrap=True),
        "name",
        "group",
        "asset class",
        "primary theme",
        "exchange",
        Column("listed", no_wrap=True, min_width=10),
        caption=f"{len(universe)} instruments",
    )
    for instrument in universe:
        table.add_row(*_table_row(instrument))
    Console().print(table)


def _table_row(instrument: Instrument) -> tuple[str, ...]:
    return (
        instrument.symbol,
        instrument.name,
        instrument.group.value,
        instrument.asset_class.value,
        instrument.themes[0] if instrument.themes else "",
        instrument.exchange,
        instrument.listed.isoformat() if instrument.listed else "",
    )


def _print_csv(universe: Universe) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    for instrument in universe:
        record = _record(instrument)
        writer.writerow({**record, "themes": ";".join(instrument.themes)})
    typer.echo(buffer.getvalue(), nl=False)


def _print_json(universe: Universe) -> None:
    typer.echo(json.dumps([_record(instrument) for instrument in universe], indent=2))


def _record(instrument: Instrument) -> dict[str, object]:
    return {
        "symbol": instrument.symbol,
        "name": instrument.name,
        "group": instrument.group.value,
        "asset_class": instrument.asset_class.value,
        "themes": list(instrument.themes),
        "sector": instrument.sector,
        "exchange": instrument.exchange,
        "currency": instrument.currency,
        "listed": instrument.listed.isoformat() if instrument.listed else None,
    }


_PRINTERS: dict[OutputFormat, Callable[[Universe], None]] = {
    OutputFormat.TABLE: _print_table,
    OutputFormat.CSV: _print_csv,
    OutputFormat.JSON: _print_json,
}
