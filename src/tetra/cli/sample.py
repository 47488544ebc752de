"""`tetra sample`: the offline sample universe (synthetic data, labelled source = 'sample')."""

from __future__ import annotations

import datetime as dt

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tetra.adapters.sources.sample import LoadReport, load_sample
from tetra.cli.common import console, fail_cleanly, opened_store, store_url
from tetra.cli.coverage import print_summary
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.simulation.sample_universe import SampleSpec

app = typer.Typer(help="The offline sample universe: synthetic history for every symbol.")

_DEFAULT = SampleSpec()


@app.command("load")
def load(
    end: str = typer.Option(_DEFAULT.end.isoformat(), help="Last day of the history (ISO date)."),
    years: int = typer.Option(_DEFAULT.years, min=1, max=30, help="Years of history."),
    seed: int = typer.Option(_DEFAULT.seed, help="Random seed; the same seed gives the same data."),
) -> None:
    """Generate the sample history of the whole universe and load it into the sample store."""
    with fail_cleanly():
        spec = SampleSpec(end=dt.date.fromisoformat(end), years=years, seed=seed)
    report = load_into_sample_store(spec)
    console.print(
        f"Loaded {report.bars:,} sample bars and {report.corporate_actions:,} corporate actions "
        f"for {report.instruments} instruments, {report.first} to {report.last}, "
        f"into {store_url(StoreKind.SAMPLE)}."
    )


def load_into_sample_store(spec: SampleSpec) -> LoadReport:
    """Load the sample universe with a progress bar; return what was written."""
    universe = load_universe()
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with opened_store(StoreKind.SAMPLE) as store, Progress(*columns, console=console) as bar:
        task = bar.add_task("sample bars", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with fail_cleanly():
            return load_sample(store, list(universe), spec, on_progress=advance)


@app.command("coverage")
def coverage() -> None:
    """Show what the sample store holds per universe group."""
    with opened_store(StoreKind.SAMPLE) as store:
        print_summary(store, "Sample store coverage")
