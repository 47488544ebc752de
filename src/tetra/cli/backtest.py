"""`tetra backtest`: run a strategy, sweep its parameters, walk it forward, list strategies.

Market data comes from the sample store unless ``--live``; runs are stored in the same
store's ``strategies`` schema unless ``--no-save``. Bad parameters exit with code 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tetra.adapters.compute import open_executor
from tetra.backtest.managed import stored_interventions
from tetra.backtest.options import RunRisk
from tetra.backtest.research import params as p
from tetra.backtest.research import views
from tetra.backtest.research.members import GroupMarket, group_market
from tetra.backtest.research.persist import backtest_record, save_run, walk_forward_record
from tetra.backtest.research.sweep import StrategyClass, configure, sweep
from tetra.backtest.research.walk_forward import folds, walk_forward
from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.cli import backtest_risk as r
from tetra.cli.common import console, errors, fail_cleanly, opened_store, settings
from tetra.compute import Executor
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.market import Adjustment, MarketData
from tetra.ml.storage import with_stored_signal
from tetra.reports.metrics import Metrics, trade_counts
from tetra.reports.tearsheet import render_tearsheet
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.library import STRATEGIES

app = typer.Typer(
    help="Backtests, parameter sweeps and walk-forward analysis.", no_args_is_help=True
)

EXIT_BAD_PARAMS = 2
SAMPLE_LABEL = "SAMPLE DATA (synthetic)"
PATHS = ("auto", "compiled", "callback")
MEMBERS_HELP = (
    "Comma-separated symbols; @group for every member of a universe group during the run "
    "(e.g. @crypto: each coin in the recorded top ten on some day), each entered only while "
    "a member and closed at the next open after it leaves; universe.toml's list stands in "
    "where no membership is recorded (the run says so)."
)

STRATEGY = typer.Argument(..., help="A registered strategy; see `tetra backtest list`.")
SYMBOLS = typer.Option("SPY,QQQ", help=MEMBERS_HELP)
START = typer.Option("2000-01-01", help="First day (YYYY-MM-DD).")
END = typer.Option("2100-12-31", help="Last day, inclusive (YYYY-MM-DD).")
PARAMS = typer.Option([], "--param", help="A strategy parameter, name=value; repeatable.")
GRID = typer.Option([], "--grid", help="Values to sweep, name=v1,v2,...; repeatable.")
CASH = typer.Option(1_000_000.0, min=1.0, help="Starting cash.")
COMMISSION = typer.Option(0.0, min=0.0, help="Commission in basis points of traded value.")
SLIPPAGE = typer.Option(0.0, min=0.0, help="Slippage in basis points of price.")
ADJUSTMENT = typer.Option(Adjustment.RAW, help="Price mode: raw, split_adjusted, total_return.")
SAMPLE = typer.Option(True, "--sample/--live", help="Sample store (default) or live store.")
METRIC = typer.Option("sharpe_ratio", help="Metric that ranks parameter combinations.")
WORKERS = typer.Option(2, min=1, help="Parallel backtests.")
SAVE = typer.Option(True, "--save/--no-save", help="Store the run in the strategies schema.")
REPORT = typer.Option(None, help="Write the HTML tearsheet to this file.")


@app.command("list")
def list_strategies() -> None:
    """Show the registered strategies with their parameters and defaults."""
    rows = views.strategy_rows(STRATEGIES)
    _table("Strategies", ("name", "parameters (defaults)", "description"), rows)


@app.command("run")
def run(
    strategy: str = STRATEGY, symbols: str = SYMBOLS, start: str = START, end: str = END,
    param: list[str] = PARAMS, path: str = typer.Option("auto", help="auto, compiled, callback."),
    cash: float = CASH, commission_bps: float = COMMISSION, slippage_bps: float = SLIPPAGE,
    adjustment: Adjustment = ADJUSTMENT, sample: bool = SAMPLE, report: Path | None = REPORT,
    save: bool = SAVE, stop_loss: str | None = r.STOP_LOSS, take_profit: str | None = r.TAKE_PROFIT,
    trailing_stop: str | None = r.TRAILING_STOP, time_exit: int | None = r.TIME_EXIT,
    atr_window: int = r.ATR_WINDOW, both_touched: str = r.BOTH_TOUCHED,
    risk_policy: str | None = r.RISK_POLICY, sizing: str | None = r.SIZING,
) -> None:  # fmt: skip
    """Backtest one strategy with fixed parameters and print its summary.

    Stops and exits apply to every position; a risk policy resizes and refuses orders and
    prints what it did.
    """
    cls = _strategy_class(strategy)
    instance = cls(_checked(lambda: configure(cls, p.parse_params(param), cash)))
    if path not in PATHS:
        _bad(f"--path must be one of {', '.join(PATHS)}, not {path!r}")
    costs = _costs(commission_bps, slippage_bps)
    risk: RunRisk = _checked(lambda: r.options_of(
        stop_loss, take_profit, trailing_stop, time_exit, atr_window, both_touched, risk_policy,
        sizing))  # fmt: skip
    policy, sized = risk.risk_policy, risk.sizing
    with _market(sample, symbols, start, end, adjustment) as (store, members), fail_cleanly():
        market = members.market
        instance = members.wrap(with_stored_signal(instance, store, market))
        started = dt.datetime.now(dt.UTC)
        result: BacktestResult = _checked(
            lambda: run_backtest(instance, market, path=path, cash=cash, costs=costs,  # type: ignore[arg-type]
                                 **risk.options())
        )  # fmt: skip
        result.warnings.extend(members.notes)
        metrics = result.metrics()
        _print_metrics(f"{instance.describe()} on {', '.join(market.symbols)}", metrics, sample)
        for leg in instance.legs(market.symbols):
            console.print(f"leg {leg['symbol']}: {leg['role']}")
        trades = result.trades
        counts = trade_counts(trades)
        title = (
            f"Last {min(10, len(trades))} of {counts.total} trades "
            f"({counts.closed} closed, {counts.open} open)"
        )
        _table(title, ("symbol", "side", "entry", "exit", "pnl"), views.trade_rows(trades))
        if sized is not None:
            console.print(f"entries sized by {sized.describe()}")
        if policy is not None:
            r.print_interventions(result.interventions)
        for warning in result.warnings:
            console.print(f"[yellow]warning: {warning}[/]")
        if report is not None:
            _write_report(report, instance.describe(), result, metrics, sample)
        if save:
            record = backtest_record(
                result, instance, started_at=started, finished_at=dt.datetime.now(dt.UTC),
                params={**_run_params(market, cash, adjustment, sample, members),
                        "legs": instance.legs(market.symbols),
                        **risk.stored(), **_interventions(risk, result)},
            )  # fmt: skip
            console.print(f"saved run [bold]{save_run(store, record)}[/]")


@contextmanager
def _cluster() -> Iterator[Executor | None]:
    """Give a Ray executor when TETRA_RAY__ADDRESS is set (``auto``: local Ray), else None.

    None keeps the sweep's own forked pool of --workers, the fastest on one machine.
    """
    config = settings()
    if not config.ray.address:
        yield None
        return
    with open_executor(config.ray.address, ray_cpus=config.ray.num_cpus) as executor:
        console.print(f"running on {executor.name}")
        yield executor


@app.command("sweep")
def sweep_command(
    strategy: str = STRATEGY, grid: list[str] = GRID, param: list[str] = PARAMS,
    symbols: str = SYMBOLS, start: str = START, end: str = END, cash: float = CASH,
    commission_bps: float = COMMISSION, slippage_bps: float = SLIPPAGE,
    adjustment: Adjustment = ADJUSTMENT, sample: bool = SAMPLE, metric: str = METRIC,
    workers: int = WORKERS, top: int = typer.Option(10, min=1, help="Combinations shown."),
    stop_loss: str | None = r.STOP_LOSS, take_profit: str | None = r.TAKE_PROFIT,
    trailing_stop: str | None = r.TRAILING_STOP, time_exit: int | None = r.TIME_EXIT,
    atr_window: int = r.ATR_WINDOW, both_touched: str = r.BOTH_TOUCHED,
    risk_policy: str | None = r.RISK_POLICY, sizing: str | None = r.SIZING,
) -> None:  # fmt: skip
    """Backtest every combination of a parameter grid and rank them by a metric.

    Exits, a risk policy and a sizing apply to every combination as to `tetra backtest run`.
    """
    cls = _strategy_class(strategy)
    full = _checked(lambda: p.full_grid(cls, grid, param))
    costs = _costs(commission_bps, slippage_bps)
    risk: RunRisk = _checked(lambda: r.options_of(
        stop_loss, take_profit, trailing_stop, time_exit, atr_window, both_touched, risk_policy,
        sizing))  # fmt: skip
    with (
        _market(sample, symbols, start, end, adjustment) as (_, members),
        _cluster() as executor,
        _progress() as tick,
    ):
        frame = _checked(
            lambda: sweep(cls, members.market, full, cash=cash, costs=costs, workers=workers,
                          metric=metric, progress=tick, executor=executor,
                          membership=members.membership, **risk.options())
        )  # fmt: skip
        _print_deflated_sharpe(cls, members, frame, cash, costs, risk)
    _print_notes(members.notes)
    label = f" [yellow]{SAMPLE_LABEL}[/]" if sample else ""
    columns, rows = views.top_rows(frame, metric, top)
    _table(f"Top {len(rows)} of {len(frame)} by {metric}{label}", columns, rows)
    if frame.attrs["skipped"]:
        console.print(f"[yellow]skipped {frame.attrs['skipped']} invalid combinations[/]")
    swept = [name for name, values in full.items() if len(values) > 1]
    if len(swept) == 2 and not frame.empty:
        _print_heatmap(views.heatmap(frame, swept[0], swept[1], metric), metric)


def _print_deflated_sharpe(
    cls: StrategyClass,
    members: GroupMarket,
    frame: Any,
    cash: float,
    costs: Costs,
    risk: RunRisk,
) -> None:
    """Print the deflated Sharpe ratio of the sweep's best Sharpe among all its trials."""
    from tetra.simulation.robustness import deflated_sharpe_ratio  # scipy: slow import

    if len(frame) < 2 or not frame["sharpe_ratio"].notna().any():
        return
    best = frame.loc[frame["sharpe_ratio"].idxmax()]
    params = {name: best[name] for name in frame.columns if name in cls.Config.model_fields}
    strategy = members.wrap(cls(configure(cls, params, cash)))
    result = run_backtest(
        strategy, members.market, cash=cash, costs=costs, guards=False, **risk.options()
    )
    returns = result.equity.pct_change().dropna().to_numpy()
    dsr = deflated_sharpe_ratio(returns, frame["sharpe_ratio"].to_numpy())
    console.print(
        f"deflated Sharpe ratio of the best ({best['sharpe_ratio']:.2f} among {dsr.trials} "
        f"trials): P(true Sharpe > 0) = [bold]{dsr.probability:.1%}[/]"
    )


@app.command("walk-forward")
def walk_forward_command(
    strategy: str = STRATEGY, grid: list[str] = GRID, param: list[str] = PARAMS,
    symbols: str = SYMBOLS, start: str = START, end: str = END, cash: float = CASH,
    commission_bps: float = COMMISSION, slippage_bps: float = SLIPPAGE,
    adjustment: Adjustment = ADJUSTMENT, sample: bool = SAMPLE, metric: str = METRIC,
    workers: int = WORKERS, train: int = typer.Option(756, min=2, help="Train bars per fold."),
    test: int = typer.Option(252, min=2, help="Test bars per fold."),
    step: int | None = typer.Option(None, min=2, help="Bars between folds (default: --test)."),
    anchored: bool = typer.Option(False, help="Grow every train window from the first bar."),
    save: bool = SAVE,
    stop_loss: str | None = r.STOP_LOSS, take_profit: str | None = r.TAKE_PROFIT,
    trailing_stop: str | None = r.TRAILING_STOP, time_exit: int | None = r.TIME_EXIT,
    atr_window: int = r.ATR_WINDOW, both_touched: str = r.BOTH_TOUCHED,
    risk_policy: str | None = r.RISK_POLICY, sizing: str | None = r.SIZING,
) -> None:  # fmt: skip
    """Choose parameters on each train window, test them on the next, stitch the tests.

    Exits, a risk policy and a sizing apply to every backtest, in sample and out.
    """
    cls = _strategy_class(strategy)
    full = _checked(lambda: p.full_grid(cls, grid, param))
    risk: RunRisk = _checked(lambda: r.options_of(
        stop_loss, take_profit, trailing_stop, time_exit, atr_window, both_touched, risk_policy,
        sizing))  # fmt: skip
    spec = {"grid": full, "train": train, "test": test, "step": step or test,
            "anchored": anchored, "metric": metric}  # fmt: skip
    costs = _costs(commission_bps, slippage_bps)
    with _market(sample, symbols, start, end, adjustment) as (store, members):
        market = members.market
        splits = _checked(lambda: folds(market.shape[0], train, test, step, anchored=anchored))
        if not splits:
            _bad(f"{market.shape[0]} bars hold no fold of --train {train} + --test {test}")
        started = dt.datetime.now(dt.UTC)
        with _cluster() as executor, _progress() as tick:
            result = _checked(
                lambda: walk_forward(cls, market, full, train=train, test=test, step=step,
                                     anchored=anchored, metric=metric, cash=cash, costs=costs,
                                     workers=workers, progress=tick, executor=executor,
                                     membership=members.membership, **risk.options())
            )  # fmt: skip
        columns = ("fold", "train", "test", "params", "in-sample", "out-of-sample")
        _table(
            f"Walk-forward folds by {metric}",
            columns,
            views.fold_rows(result.summary(market.dates)),
        )
        _print_metrics("Out-of-sample: the stitched test windows", result.metrics, sample)
        _print_notes(members.notes)
        if save:
            record = walk_forward_record(
                result, cls.name, spec, started_at=started, finished_at=dt.datetime.now(dt.UTC),
                params={**_run_params(market, cash, adjustment, sample, members),
                        **risk.stored()},
                dates=market.dates,
            )  # fmt: skip
            console.print(f"saved run [bold]{save_run(store, record)}[/]")


def _bad(message: str) -> None:
    errors.print(f"[bold red]invalid parameters:[/] {message}")
    raise typer.Exit(EXIT_BAD_PARAMS)


def _checked(make: Callable[[], Any]) -> Any:
    """Call `make`; parameter errors (pydantic, ValueError, KeyError) exit cleanly with 2."""
    try:
        return make()
    except ValidationError as error:
        problems = [
            f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in error.errors()
        ]
        _bad("; ".join(problems))
    except (KeyError, ValueError) as error:
        _bad(str(error).strip("'\""))


def _strategy_class(name: str) -> StrategyClass:
    found: StrategyClass = _checked(lambda: p.strategy_class(name, STRATEGIES))
    return found


@contextmanager
def _market(
    sample: bool, symbols: str, start: str, end: str, adjustment: Adjustment
) -> Iterator[tuple[Store, GroupMarket]]:
    """Yield the store and the run's market: ``@group`` entries become every member of the
    run, entered only while in (`tetra.backtest.research.members`)."""
    named = [s.strip().upper() for s in symbols.split(",") if s.strip()]
    first, last = _checked(lambda: (dt.date.fromisoformat(start), dt.date.fromisoformat(end)))
    with opened_store(StoreKind.SAMPLE if sample else StoreKind.LIVE) as store:
        with fail_cleanly():
            members = group_market(store, named, first, last, adjustment)
        yield store, members


def _costs(commission_bps: float, slippage_bps: float) -> Costs:
    return Costs(Commission(basis_points=commission_bps), Slippage(basis_points=slippage_bps))


def _interventions(risk: RunRisk, result: BacktestResult) -> dict[str, Any]:
    """Return what a stored run keeps of its policy's journal (nothing without a policy)."""
    return {} if risk.risk_policy is None else stored_interventions(result.interventions)


def _run_params(
    market: MarketData, cash: float, adjustment: Adjustment, sample: bool, members: GroupMarket
) -> dict[str, Any]:
    data = "sample" if sample else "live"
    symbols = list(market.symbols)
    kept = {"symbols": symbols, "cash": cash, "adjustment": adjustment.value, "data": data}
    return {**kept, **members.stored()}  # the spans the run's entries followed


def _print_notes(notes: Sequence[str]) -> None:
    for note in notes:
        console.print(f"[yellow]warning: {note}[/]")


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    columns = (TextColumn("backtests"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # No refresh thread: sweeps fork worker processes, and forking a threaded process is unsafe.
    with Progress(*columns, console=console, auto_refresh=False) as bars:
        task = bars.add_task("backtests", total=None)

        def advance(done: int, total: int) -> None:
            bars.update(task, completed=done, total=total)
            bars.refresh()

        yield advance


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _print_metrics(title: str, metrics: Metrics, sample: bool) -> None:
    label = f"  [yellow]{SAMPLE_LABEL}[/]" if sample else ""
    console.print(f"[bold]{title}[/]{label}")
    _table("Metrics", ("metric", "value"), views.metric_rows(metrics))


def _print_heatmap(grid: Any, metric: str) -> None:
    def cell(value: float) -> str:
        colour = "dim" if value != value else "green" if value > 0 else "red"
        return f"[{colour}]{views.number(float(value))}[/]"

    rows = [(str(index), *(cell(v) for v in values)) for index, values in grid.iterrows()]
    columns = (f"{grid.index.name} \\ {grid.columns.name}", *(str(c) for c in grid.columns))
    _table(f"{metric} by {grid.index.name} and {grid.columns.name}", columns, rows)


def _write_report(
    target: Path, title: str, result: BacktestResult, metrics: Metrics, sample: bool
) -> None:
    label = SAMPLE_LABEL if sample else None
    html = render_tearsheet(title, result.equity, result.trades, metrics, source_label=label)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    console.print(f"tearsheet written to {target}")
