"""The `tetra` command: one entry point to every part of the platform."""

from __future__ import annotations

import os
import sys

import typer

from tetra import __version__
from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, PrometheusTelemetry
from tetra.adapters.stores.serving import StoreServed
from tetra.cli import (
    alerts,
    backtest,
    chat,
    coverage,
    cycle,
    jobs,
    ml,
    pipeline,
    report,
    risk,
    sample,
    schedule,
    serve,
    simulate,
    store,
    trade,
    universe,
)
from tetra.cli.common import console, opened_store
from tetra.cli.coverage import print_summary
from tetra.cli.cycle_demo import print_demo_cycle
from tetra.cli.demo import (
    RISK_CASE,
    print_demo_backtests,
    print_demo_risk,
    print_demo_simulation,
)
from tetra.cli.demo_trading import print_demo_trading
from tetra.cli.ml_demo import print_demo_model
from tetra.cli.pipeline import expand_variadic, print_result
from tetra.cli.sample import backfill_sample
from tetra.core.telemetry import install
from tetra.data.store_kind import StoreKind
from tetra.sample.history import SampleSpec

app = typer.Typer(
    name="tetra",
    help="Tetra: a self-hosted quant trading platform. Start with `tetra demo`.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold secrets
)
app.add_typer(universe.app, name="universe")
app.add_typer(store.app, name="store")
app.add_typer(alerts.app, name="alerts")
app.add_typer(sample.app, name="sample")
app.add_typer(schedule.app, name="schedule")
app.add_typer(backtest.app, name="backtest")
app.add_typer(chat.app, name="chat")
app.add_typer(risk.app, name="risk")
app.add_typer(ml.app, name="ml")
app.add_typer(simulate.app, name="simulate")
app.add_typer(cycle.app, name="cycle")
app.add_typer(report.app, name="report")
app.add_typer(trade.app, name="trade")
app.add_typer(jobs.app, name="jobs")
app.command("coverage")(coverage.coverage)
app.command("pipeline")(pipeline.pipeline)
app.command("serve")(serve.serve)


@app.command("openapi")
def openapi() -> None:
    """Write the API's OpenAPI document to web/openapi.json (the web client's source)."""
    serve.write_openapi()


def run() -> None:
    """Entry point of the `tetra` command.

    A command that finds its store held by `tetra serve` is handed to that server and
    followed to its end (`tetra.cli.handoff`).
    """
    args = expand_variadic(sys.argv[1:])
    try:
        app(args=args, prog_name="tetra")
    except StoreServed as served:
        from tetra.cli.handoff import hand_off

        raise SystemExit(hand_off(served, args)) from None


def _version(value: bool) -> None:
    if value:
        console.print(f"tetra {__version__}")
        raise typer.Exit


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Tetra: data, store, backtests, reports and execution on your own machine."""
    if os.environ.get(MULTIPROCESS_ENV):
        # A child of `tetra schedule run` (or of a multi-worker server): its metrics go to the
        # shared folder the parent serves.
        install(PrometheusTelemetry())


@app.command()
def demo() -> None:
    """Set up the sample store offline, load the sample universe and show its coverage."""
    console.rule("[bold]Tetra demo: offline, on synthetic sample data")
    print_result(backfill_sample())
    spec = SampleSpec()
    with opened_store(StoreKind.SAMPLE) as opened:
        print_summary(opened, "Sample store coverage")
        start = spec.end.replace(year=spec.end.year - spec.years)
        results = print_demo_backtests(opened, start, spec.end)
        print_demo_risk(opened, results[RISK_CASE])
        print_demo_simulation(opened, start, spec.end)
        print_demo_model(opened, spec.end)
        print_demo_cycle(opened)
        print_demo_trading(opened)
    console.print(
        "Next: `tetra universe list`, `tetra store info --sample`, `tetra simulate stress`, "
        "`tetra ml --help`, `tetra cycle run --sample`, `tetra trade status --sample`, "
        '`tetra chat ask "latest close of SPY" --run`, `make test`.'
    )


if __name__ == "__main__":
    run()
