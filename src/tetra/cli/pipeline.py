"""`tetra pipeline`: collect data, daily or as a backfill, with progress and a summary."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tetra.api.publish import PipelineEvents
from tetra.cli.common import console, errors, fail_cleanly, opened_store, settings
from tetra.cli.sources import BAR_SOURCES, ECONOMIC_SERIES, live_sources, sample_sources
from tetra.data.coverage import calendar_for
from tetra.data.pipeline import (
    Mode,
    Pipeline,
    RunPlan,
    RunResult,
    RunStatus,
    Sources,
    Step,
    StepResult,
    StepStatus,
    backfill_window,
    daily_window,
    select_steps,
)
from tetra.data.reference import write_reference
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import Universe, load_universe
from tetra.model.instruments import AssetClass
from tetra.sample.history import SampleSpec
from tetra.sample.macro import SAMPLE_SERIES

EXIT_PARTIAL = 2
VARIADIC_OPTIONS = ("--skip-steps", "--steps", "--symbols")


def pipeline(
    mode: Mode = typer.Option(Mode.DAILY, help="daily: recent sessions; backfill: a range."),
    days: int | None = typer.Option(None, min=1, help="Backfill the last N days."),
    start_date: str | None = typer.Option(None, help="Backfill from this day (YYYY-MM-DD)."),
    end_date: str | None = typer.Option(None, help="Backfill up to this day, inclusive."),
    skip_steps: list[str] = typer.Option([], help="Steps to skip, e.g. news_sentiment event_data."),
    steps: list[str] = typer.Option([], help="Run only these steps."),
    symbols: list[str] = typer.Option([], help="Only these symbols (default: the universe)."),
    source: str = typer.Option("yfinance", help=f"Bar source: {', '.join(BAR_SOURCES)}."),
    fill_gaps: bool = typer.Option(False, help="Fetch exactly the sessions missing per symbol."),
    force: bool = typer.Option(False, help="Refetch symbols whose watermark covers the range."),
    log_file: Path | None = typer.Option(None, help="Also log to this file (rotated)."),
) -> None:
    """Collect market, macro, news, event and crypto data; exit 1 on failure, 2 if partial."""
    if source not in BAR_SOURCES:
        raise typer.BadParameter(f"unknown source {source!r}; choose {', '.join(BAR_SOURCES)}")
    kind = StoreKind.SAMPLE if source == "sample" else StoreKind.LIVE
    with fail_cleanly(), _logging(log_file):
        universe = _chosen(load_universe(), symbols)
        today = SampleSpec().end if kind is StoreKind.SAMPLE else _today()
        try:
            window = _window(mode, today, days, start_date, end_date)
            chosen_steps = select_steps(skip_steps, steps)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from error
        series = SAMPLE_SERIES if kind is StoreKind.SAMPLE else ECONOMIC_SERIES
        plan = build_plan(mode, window, universe, chosen_steps, fill_gaps, force, series)
        result = run_with_progress(kind, universe, plan, _sources(kind, source))
    print_result(result)
    if result.status is RunStatus.FAILED:
        raise typer.Exit(1)
    if result.status is RunStatus.PARTIAL:
        raise typer.Exit(EXIT_PARTIAL)


def build_plan(
    mode: Mode,
    window: Window,
    universe: Universe,
    steps: tuple[Step, ...],
    fill_gaps: bool,
    force: bool,
    series: tuple[str, ...] = (),
) -> RunPlan:
    crypto = tuple(i.symbol for i in universe if i.asset_class is AssetClass.CRYPTO)
    equities = tuple(i.symbol for i in universe if i.asset_class is not AssetClass.CRYPTO)
    calendars = {i.symbol: calendar_for(i.asset_class.value) for i in universe}
    return RunPlan(mode, window, steps, equities, crypto, series, calendars, fill_gaps, force)


def run_with_progress(
    kind: StoreKind, universe: Universe, plan: RunPlan, sources: Sources
) -> RunResult:
    """Run the plan against the store of `kind` with one progress bar per step."""
    columns = (
        TextColumn("[bold]{task.description:<15}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # Bars redraw only on a terminal; a run handed to the server prints its final bars once.
    live = console.is_terminal
    progress = Progress(*columns, console=console, transient=False, auto_refresh=live)
    with opened_store(kind) as store, progress as bars:
        write_reference(store, list(universe), "sample" if kind is StoreKind.SAMPLE else "universe")
        tasks = {step: bars.add_task(step.value, total=None) for step in plan.steps}

        events = PipelineEvents(settings().redis_url)  # live progress for the web; no-op if unset

        def advance(step: Step, done: int, total: int) -> None:
            bars.update(tasks[step], completed=done, total=total)
            events.progress(step, done, total)

        result = Pipeline(store, sources).run(plan, progress=advance)
        events.finished(result.status)
        for task in tasks.values():
            if bars.tasks[task].total is None:  # a step with nothing per symbol: mark it done
                bars.update(task, total=1, completed=1)
    return result


_COLOURS = {
    RunStatus.SUCCESS: "green",
    RunStatus.PARTIAL: "yellow",
    RunStatus.FAILED: "red",
    StepStatus.SUCCESS: "green",
    StepStatus.PARTIAL: "yellow",
    StepStatus.FAILED: "red",
    StepStatus.NOT_RUN: "dim",
}
_COUNTS = ("written", "quarantined", "resumed", "failed", "warnings")


def print_result(result: RunResult) -> None:
    """Print the run's summary table, then its notes, failures and warnings."""
    colour = _COLOURS[result.status]
    table = Table(title=f"Run {result.run_id}: [{colour}]{result.status}[/]")
    table.add_column("step")
    table.add_column("status")
    for name in _COUNTS:
        table.add_column(name, justify="right")
    for step in result.steps:
        counts = (
            step.written,
            step.quarantined,
            len(step.covered),
            len(step.failures),
            len(step.warnings),
        )
        status = f"[{_COLOURS[step.status]}]{step.status}[/]"
        table.add_row(step.step.value, status, *(f"{n:,}" for n in counts))
    console.print(table)
    for step in result.steps:
        _print_details(step)


def _print_details(step: StepResult) -> None:
    name = step.step.value
    if step.note:
        console.print(f"[dim]{name}: {step.note}[/]")
    for symbol, reason in list(step.failures.items())[:10]:
        errors.print(f"[red]{name}[/] {symbol}: {reason}")
    for warning in step.warnings[:10]:
        console.print(f"[yellow]{name}[/] {warning.symbol}: {warning.kind}: {warning.detail}")
    hidden = max(0, len(step.failures) - 10) + max(0, len(step.warnings) - 10)
    if hidden:
        console.print(f"[dim]{name}: {hidden} more in ops.ingest_runs[/]")


def expand_variadic(args: list[str]) -> list[str]:
    """Let `--skip-steps a b` mean `--skip-steps a --skip-steps b`, as the old scripts did."""
    expanded: list[str] = []
    current: str | None = None
    for arg in args:
        if arg.startswith("-"):
            current = arg if arg in VARIADIC_OPTIONS else None
            expanded.append(arg)
        elif current is not None and expanded[-1] != current:
            expanded += [current, arg]
        else:
            expanded.append(arg)
    return expanded


def _sources(kind: StoreKind, source: str) -> Sources:
    if kind is StoreKind.SAMPLE:
        return sample_sources(list(load_universe()))
    return live_sources(settings(), list(load_universe()), source)


def _chosen(universe: Universe, symbols: list[str]) -> Universe:
    if not symbols:
        return universe
    wanted = [s.strip().upper() for chunk in symbols for s in chunk.split(",") if s.strip()]
    return Universe(tuple(universe.get(symbol) for symbol in wanted))


def _window(
    mode: Mode, today: dt.date, days: int | None, start: str | None, end: str | None
) -> Window:
    if mode is Mode.DAILY:
        return daily_window(today)
    first = dt.date.fromisoformat(start) if start else None
    last = dt.date.fromisoformat(end) if end else None
    return backfill_window(today, days=days, start=first, end=last)


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(settings().timezone)).date()


@contextmanager
def _logging(log_file: Path | None) -> Iterator[None]:
    if log_file is None:
        yield
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=10, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(settings().log_level)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
