"""`tetra simulate`: market models, paths, Monte Carlo, scenarios and stress tables.

Data comes from the sample store unless ``--live``. Monte Carlo and stress runs are
stored in the store's ``simulation`` schema; paths run on a local process pool, or on Ray
when ``TETRA_RAY__ADDRESS`` is set (``auto`` starts a local Ray). Bad input exits 1
with one line naming the problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tetra.adapters.compute import open_executor
from tetra.adapters.stores.base import SqlStore
from tetra.backtest.research import params as p
from tetra.backtest.research.persist import load_run
from tetra.backtest.research.simulation_runs import (
    SimulationRecord,
    SimulationRequest,
    run_simulation,
)
from tetra.cli.common import console, fail_cleanly, opened_store, settings
from tetra.cli.simulate_views import (
    print_calibration,
    print_montecarlo,
    print_paths,
    print_robustness,
    print_stress,
)
from tetra.compute import Executor
from tetra.core.errors import ValidationError
from tetra.data.store_kind import StoreKind
from tetra.simulation.inputs import load_history
from tetra.simulation.models import MODELS, calibrate, history_of
from tetra.simulation.paths import PathSpec, generate
from tetra.simulation.scenarios import Scenario, load_scenarios, pick, read_scenario_file
from tetra.simulation.shocks import parse_shock
from tetra.strategy.library import STRATEGIES

app = typer.Typer(
    help="Simulate markets: calibrate models, generate paths, Monte Carlo, scenarios, stress.",
    no_args_is_help=True,
)

SYMBOLS = typer.Option("SPY,TLT,GLD", help="Comma-separated symbols.")
START = typer.Option("2000-01-01", help="First day of the calibration history (YYYY-MM-DD).")
END = typer.Option("2100-12-31", help="Last day of the history, inclusive (YYYY-MM-DD).")
MODEL = typer.Option("bootstrap", help=f"Market model: {', '.join(MODELS)}.")
STATES = typer.Option(2, help="Regimes of the regime model (2 or 3).")
STRATEGY = typer.Option(None, help="A registered strategy (see `tetra backtest list`).")
PARAMS = typer.Option([], "--param", help="A strategy parameter, name=value; repeatable.")
PORTFOLIO = typer.Option(None, help="Holdings instead of a strategy: SPY=0.6,TLT=0.4.")
PATHS = typer.Option(200, help="Number of paths.")
BARS = typer.Option(252, help="Bars per path.")
SEED = typer.Option(0, help="Seed: the same seed gives the same paths, bit for bit.")
SHOCKS = typer.Option(
    [],
    "--shock",
    help="A shock, kind:field=value,...; repeatable. Kinds: gap, crash, vol_spike, drought, halt.",
)
CASH = typer.Option(1_000_000.0, min=1.0, help="Starting cash (portfolio value).")
COMMISSION = typer.Option(0.0, min=0.0, help="Commission in basis points of traded value.")
SLIPPAGE = typer.Option(0.0, min=0.0, help="Slippage in basis points of price.")
SAMPLE = typer.Option(True, "--sample/--live", help="Sample store (default) or live store.")
SCENARIO_FILE = typer.Option(
    [], "--scenario-file", help="A scenario TOML file of your own; repeatable."
)


@app.command("calibrate")
def calibrate_command(
    model: str = MODEL, symbols: str = SYMBOLS, start: str = START, end: str = END,
    states: int = STATES, sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Fit a market model on stored daily bars and print its parameters."""
    with _store(sample) as store, fail_cleanly():
        history = history_of(load_history(store, _symbols(symbols), _day(start), _day(end)))
        print_calibration(calibrate(model, history, states=states))


@app.command("paths")
def paths_command(
    model: str = MODEL, symbols: str = SYMBOLS, start: str = START, end: str = END,
    paths: int = typer.Option(5, help="Number of paths."), bars: int = BARS, seed: int = SEED,
    shock: list[str] = SHOCKS, states: int = STATES, sample: bool = SAMPLE,
    out: Path | None = typer.Option(None, help="Write the paths' bars to this .npz file."),
) -> None:  # fmt: skip
    """Generate seeded paths from a calibrated model and summarise them."""
    with _store(sample) as store, fail_cleanly():
        history = history_of(load_history(store, _symbols(symbols), _day(start), _day(end)))
        fitted = calibrate(model, history, states=states)
        spec = PathSpec(paths, bars, seed, tuple(parse_shock(s) for s in shock))
        generated = [generate(fitted, spec, i) for i in range(paths)]
        print_paths(fitted, generated)
        if out is not None:
            arrays = {
                f: np.stack([getattr(g, f) for g in generated])
                for f in ("open", "high", "low", "close", "volume")
            }
            arrays["dates"] = generated[0].dates
            arrays["symbols"] = np.array(fitted.info.symbols)
            np.savez_compressed(out, allow_pickle=False, **arrays)
            console.print(f"wrote {paths} paths to {out}")


@app.command("montecarlo")
def montecarlo_command(
    strategy: str | None = STRATEGY, param: list[str] = PARAMS, portfolio: str | None = PORTFOLIO,
    symbols: str = SYMBOLS, start: str = START, end: str = END, model: str = MODEL,
    states: int = STATES, paths: int = PATHS, bars: int = BARS, seed: int = SEED,
    shock: list[str] = SHOCKS, cash: float = CASH, commission_bps: float = COMMISSION,
    slippage_bps: float = SLIPPAGE,
    drawdown: float = typer.Option(0.2, help="Drawdown threshold for P(drawdown beyond)."),
    path: str = typer.Option("auto", help="Backtest path: auto, compiled, callback."),
    run: str | None = typer.Option(None, help="Instead: resample this stored backtest run."),
    method: str = typer.Option(
        "bootstrap", help="With --run: bootstrap (daily returns) or reshuffle (trades)."
    ),
    sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Run a strategy or portfolio over N generated paths; print distributions and bands."""
    with _store(sample) as store, fail_cleanly():
        if run is not None:
            _robustness(store, run, method, paths, seed)
            return
        request = SimulationRequest(
            "montecarlo", tuple(_symbols(symbols)), _day(start), _day(end), strategy,
            _params(param), _weights(portfolio), model, states, paths, bars, seed,
            tuple(parse_shock(s) for s in shock), (), cash, commission_bps, slippage_bps,
            drawdown, path,  # type: ignore[arg-type]
        )  # fmt: skip
        record = _run(store, request)
        print_montecarlo(record, sample)


@app.command("scenario")
def scenario_command(
    name: str = typer.Argument(..., help="A scenario's name or a scenario .toml file."),
    strategy: str | None = STRATEGY, param: list[str] = PARAMS, portfolio: str | None = PORTFOLIO,
    symbols: str = SYMBOLS, cash: float = CASH, sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Apply one named scenario to a strategy or portfolio, per holding."""
    with _store(sample) as store, fail_cleanly():
        chosen = (
            read_scenario_file(name) if name.endswith(".toml") else pick(_catalog([]), [name])[0]
        )
        record = _run(store, _stress_request(strategy, param, portfolio, symbols, cash, (chosen,)))
        print_stress(record, details=True)


@app.command("stress")
def stress_command(
    strategy: str | None = STRATEGY, param: list[str] = PARAMS, portfolio: str | None = PORTFOLIO,
    symbols: str = SYMBOLS, cash: float = CASH,
    scenario: list[str] = typer.Option([], "--scenario", help="Only these scenarios; repeatable."),
    scenario_file: list[Path] = SCENARIO_FILE,
    details: bool = typer.Option(False, help="Also show each holding under each scenario."),
    sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Apply every scenario (shipped and yours) and print the loss table."""
    with _store(sample) as store, fail_cleanly():
        catalog = _catalog(scenario_file)
        chosen = tuple(pick(catalog, scenario) if scenario else catalog.values())
        record = _run(store, _stress_request(strategy, param, portfolio, symbols, cash, chosen))
        print_stress(record, details=details)


def _stress_request(
    strategy: str | None,
    param: list[str],
    portfolio: str | None,
    symbols: str,
    cash: float,
    scenarios: tuple[Scenario, ...],
) -> SimulationRequest:
    weights = _weights(portfolio)
    chosen = tuple(weights) if weights else tuple(_symbols(symbols))
    return SimulationRequest(
        "stress", chosen, dt.date(1900, 1, 1), dt.date(2100, 12, 31), strategy, _params(param),
        weights, cash=cash, scenarios=scenarios,
    )  # fmt: skip


def _run(store: SqlStore, request: SimulationRequest) -> SimulationRecord:
    with _executor() as executor, _progress() as tick:
        record = run_simulation(store, request, executor, STRATEGIES, progress=tick)
    console.print(f"saved simulation [bold]{record.run_id}[/] (ran on {record.executor})")
    return record


def _robustness(store: SqlStore, run_id: str, method: str, paths: int, seed: int) -> None:
    from tetra.simulation.robustness import bootstrap_returns, reshuffle_trades  # arch: slow import

    stored = load_run(store, run_id)
    if method == "bootstrap":
        frame = bootstrap_returns(stored.equity.pct_change().dropna().to_numpy(), paths, seed)
    elif method == "reshuffle":
        pnl = stored.trades["pnl"].dropna().astype(float).to_numpy()
        frame = reshuffle_trades(pnl, float(stored.equity.iloc[0]), paths, seed)
    else:
        raise ValidationError(f"--method must be bootstrap or reshuffle, not {method!r}")
    print_robustness(run_id, method, frame)


@contextmanager
def _executor() -> Iterator[Executor]:
    config = settings()
    executor = open_executor(
        config.ray.address, workers=config.simulation.workers, ray_cpus=config.ray.num_cpus
    )
    try:
        yield executor
    finally:
        executor.close()


@contextmanager
def _progress() -> Iterator[Callable[[float], None]]:
    columns = (
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("simulating", total=1.0)
        yield lambda done: progress.update(task, completed=done)


@contextmanager
def _store(sample: bool) -> Iterator[SqlStore]:
    with opened_store(StoreKind.SAMPLE if sample else StoreKind.LIVE) as store:
        yield store


def _catalog(files: list[Path]) -> dict[str, Scenario]:
    catalog = load_scenarios([settings().scenario_dir])
    for path in files:
        scenario = read_scenario_file(path)
        catalog[scenario.name] = scenario
    return catalog


def _symbols(text: str) -> list[str]:
    symbols = [s.strip().upper() for s in text.split(",") if s.strip()]
    if not symbols:
        raise ValidationError("--symbols names no symbol")
    return symbols


def _weights(text: str | None) -> dict[str, float]:
    if not text:
        return {}
    try:
        return {k.upper(): float(v) for k, v in p.parse_params(text.split(",")).items()}
    except (TypeError, ValueError) as error:
        raise ValidationError(f"--portfolio must read SYMBOL=weight,...: {error}") from error


def _params(pairs: list[str]) -> dict[str, object]:
    try:
        return p.parse_params(pairs)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD)") from error
