"""`tetra sample`: the offline sample universe (synthetic data, labelled source = 'sample')."""

from __future__ import annotations

import datetime as dt

import typer

from tetra.cli.common import opened_store
from tetra.cli.coverage import print_summary
from tetra.cli.pipeline import build_plan, print_result, run_with_progress
from tetra.cli.sources import sample_sources
from tetra.data.pipeline import Mode, RunResult, Step
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.sample.history import SampleSpec
from tetra.sample.macro import SAMPLE_SERIES

app = typer.Typer(help="The offline sample universe: synthetic history for every symbol.")

SAMPLE_STEPS = (
    Step.MARKET_DATA,
    Step.ECONOMIC_DATA,
    Step.NEWS_SENTIMENT,
    Step.EVENT_DATA,
    Step.CRYPTO,
    Step.GEOPOLITICAL,
    Step.SOCIAL,
    Step.CRYPTO_UNIVERSE,
    Step.DATA_QUALITY,
)


_DEFAULT = SampleSpec()


@app.command("load")
def load(
    end: str = typer.Option(_DEFAULT.end.isoformat(), help="Last day of the history (ISO date)."),
    years: int = typer.Option(_DEFAULT.years, min=1, max=30, help="Years of history."),
    seed: int = typer.Option(_DEFAULT.seed, help="Random seed; the same seed gives the same data."),
) -> None:
    """Backfill the whole sample history into the sample store through the pipeline."""
    try:
        spec = SampleSpec(end=dt.date.fromisoformat(end), years=years, seed=seed)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--end") from error
    result = backfill_sample(spec)
    print_result(result)
    if result.status != "success":
        raise typer.Exit(1)


def backfill_sample(spec: SampleSpec | None = None) -> RunResult:
    """Run the pipeline over the sample's full history; reruns resume and change nothing."""
    spec = spec or SampleSpec()
    universe = load_universe()
    first = spec.end.replace(year=spec.end.year - spec.years)
    window = Window(first, spec.end)
    plan = build_plan(Mode.BACKFILL, window, universe, SAMPLE_STEPS, False, False, SAMPLE_SERIES)
    return run_with_progress(StoreKind.SAMPLE, universe, plan, sample_sources(list(universe), spec))


@app.command("coverage")
def coverage() -> None:
    """Show what the sample store holds per universe group."""
    with opened_store(StoreKind.SAMPLE) as store:
        print_summary(store, "Sample store coverage")
