"""`tetra risk`: a book's risk report, the limits policy, pre-trade checks, kill switches.

A book is given as holdings (``--holdings SPY=0.3,TLT=0.2``: weights of equity), or as the
final book of a library strategy backtested on the store (``--strategy momentum``); with
neither, the demo's momentum book is used. The policy is ``--policy FILE.toml`` or the
packaged default. Bad input exits with code 2; a denied order with code 3.

The report plugs the simulator into the risk layer (risk sits below it) through
`tetra.cli.risk_simulation`, which the demo shares: a seeded Monte Carlo VaR from a market
model's paths, and the scenario library (shipped and the user's scenario directory) applied
to the book by replay or factor shock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn, TypeVar

import numpy as np
import typer
from rich.table import Table

from tetra.backtest.books import book_from_weights, final_book, history_of
from tetra.backtest.research import params as p
from tetra.backtest.research.sweep import configure
from tetra.backtest.run import run_backtest
from tetra.cli.common import console, errors, fail_cleanly, opened_store
from tetra.cli.demo import DEMO_COSTS, EIGHT_ETFS
from tetra.cli.risk_simulation import monte_carlo, scenario_stress
from tetra.cli.risk_views import STATE_COLOURS, policy_table, print_report, usage_table
from tetra.core.clock import SystemClock
from tetra.core.errors import TetraError
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.market import Adjustment, load_market
from tetra.risk.book import BookSnapshot
from tetra.risk.exposure import Book
from tetra.risk.killswitch import GLOBAL_SCOPE, KillSwitchBoard
from tetra.risk.limits import LimitEvaluator
from tetra.risk.orders import OrderIntent, OrderType, Side
from tetra.risk.policy import RiskPolicy, default_policy, load_policy
from tetra.risk.pretrade import PreTradeEngine
from tetra.risk.report import History, ReportSettings, RiskReport, risk_report
from tetra.risk.scenarios import MonteCarlo
from tetra.risk.sizing import fractional_units, to_quantities
from tetra.simulation.models import MODELS
from tetra.simulation.scenarios.book_stress import LibraryStress
from tetra.strategy.library import STRATEGIES

app = typer.Typer(
    help="Risk: a book's report, the limits policy, pre-trade checks and kill switches.",
    no_args_is_help=True,
)

EXIT_BAD_INPUT, EXIT_DENIED = 2, 3
T = TypeVar("T")
HOLDINGS = typer.Option(None, help="Weights of equity, e.g. SPY=0.3,TLT=0.2,BTC=-0.05.")
STRATEGY = typer.Option(None, help="Report the final book of this library strategy instead.")
SYMBOLS = typer.Option(",".join(EIGHT_ETFS), help="Symbols the strategy trades.")
PARAMS = typer.Option([], "--param", help="A strategy parameter, name=value; repeatable.")
POLICY = typer.Option(None, help="Limits policy (TOML); the packaged default when omitted.")
SAMPLE = typer.Option(True, "--sample/--live", help="Sample store (default) or live store.")
EQUITY = typer.Option(1_000_000.0, min=1.0, help="Equity of a --holdings book.")
BOOK_ID = typer.Option("default", help="Book id (books arrive with Issue 13; any name works).")


@app.command("report")
def report(
    holdings: str | None = HOLDINGS, strategy: str | None = STRATEGY, symbols: str = SYMBOLS,
    param: list[str] = PARAMS, policy: Path | None = POLICY, sample: bool = SAMPLE,
    equity: float = EQUITY,
    confidence: float = typer.Option(0.95, min=0.5, max=0.999, help="VaR confidence."),
    horizon: int = typer.Option(1, min=1, max=250, help="VaR horizon in trading days."),
    lookback: int = typer.Option(504, min=30, help="Days of history behind VaR and risk."),
    target_vol: float | None = typer.Option(None, min=0.001, help="Target volatility (0.10)."),
    paths: int = typer.Option(
        1_000, min=0, max=100_000,
        help="Monte Carlo paths over the VaR horizon (0: no Monte Carlo row).",
    ),
    seed: int = typer.Option(0, min=0, help="Seed of the Monte Carlo draw (same seed, same VaR)."),
    model: str = typer.Option(
        "bootstrap", help=f"Market model of the Monte Carlo paths: {', '.join(MODELS)}."
    ),
    scenarios: bool = typer.Option(
        True, "--scenarios/--no-scenarios",
        help="Apply every named scenario (shipped and yours) to the book.",
    ),
) -> None:  # fmt: skip
    """Exposures, VaR/CVaR by four methods, scenario losses, clusters, contributions, limits."""
    chosen = _policy(policy)
    settings = ReportSettings(confidence, horizon, lookback, target_volatility=target_vol)
    simulated = _checked(lambda: monte_carlo(paths, seed, model))
    with _store(sample) as store:
        title, book, history, curve = _book(store, holdings, strategy, symbols, param, equity)
        stress = _checked(lambda: scenario_stress(store)) if scenarios else None
        made = _checked(lambda: _report(book, history, chosen, settings, curve, simulated, stress))
    print_report(console, title + (" [yellow](SAMPLE DATA)[/]" if sample else ""), made)


def _report(
    book: Book, history: History, policy: RiskPolicy, settings: ReportSettings,
    curve: np.ndarray | None, simulated: MonteCarlo | None, stress: LibraryStress | None,
) -> RiskReport:  # fmt: skip
    return risk_report(book, history, policy, settings, equity_curve=curve,
                       monte_carlo=simulated, stress=stress)  # fmt: skip


@app.command("limits")
def limits(
    policy: Path | None = POLICY, holdings: str | None = HOLDINGS, sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Check a policy file and show its limits; with --holdings, how much of each is used."""
    chosen = _policy(policy)
    console.print(policy_table(chosen))
    if holdings is None:
        return
    weights = _weights(holdings)
    evaluator = _checked(lambda: LimitEvaluator(chosen, tuple(weights)))
    console.print(usage_table(evaluator.usage_table(np.array(list(weights.values())))))
    del sample


@app.command("check")
def check(
    symbol: str = typer.Argument(..., help="Symbol to trade."),
    side: Side = typer.Argument(..., help="buy or sell."),
    quantity: str = typer.Argument(..., help="Units (whole shares; crypto in fractions)."),
    order_type: OrderType = typer.Option(OrderType.MARKET, "--type", help="Order type."),
    limit: str | None = typer.Option(None, help="Limit price."),
    stop: str | None = typer.Option(None, help="Stop price."),
    holdings: str | None = HOLDINGS, equity: float = EQUITY,
    buying_power: float | None = typer.Option(None, help="Default: equity minus gross value."),
    book: str = BOOK_ID, policy: Path | None = POLICY, sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Run one order through the pre-trade checks against a book; exit 3 when it is denied."""
    chosen = _policy(policy)
    weights = _weights(holdings) if holdings else {}
    with _store(sample) as store:
        snapshot = _snapshot(store, weights, symbol.upper(), equity, buying_power)
        engine = PreTradeEngine(chosen, clock=SystemClock(),
                                kill_switches=KillSwitchBoard(store, SystemClock()))  # fmt: skip
        engine.set_book(book, snapshot)
        intent = OrderIntent(
            f"cli-{dt.datetime.now(dt.UTC).timestamp()}", book, symbol.upper(), side,
            _decimal(quantity, "quantity"), order_type, _price(limit, "limit"),
            _price(stop, "stop"),
        )  # fmt: skip
        decision = engine.check(intent)
        state = engine.state(book)
    verdict = "[green]ALLOWED[/]" if decision.allowed else f"[red]DENIED[/] ({decision.code})"
    console.print(f"book {book} [{STATE_COLOURS[state]}]{state.value}[/]: {verdict}")
    if not decision.allowed:
        console.print(decision.reason)
        raise typer.Exit(EXIT_DENIED)


@app.command("kill-switch")
def kill_switch(
    action: str = typer.Argument("status", help="status, on or off."),
    scope: str = typer.Option(GLOBAL_SCOPE, help="'*' for every book, or a book id."),
    reason: str = typer.Option("", help="Why (required for on and off)."),
    sample: bool = typer.Option(False, "--sample/--live", help="Live store (default) or sample."),
) -> None:  # fmt: skip
    """Show, engage or release a kill switch; it is stored, so it outlives restarts."""
    if action not in ("status", "on", "off"):
        _bad(f"action must be status, on or off, not {action!r}")
    with _store(sample) as store:
        board = KillSwitchBoard(store, SystemClock())
        if action != "status":
            _checked(lambda: board.set(scope, action == "on", reason, "cli"))
        table = Table(title="Kill switches", title_justify="left")
        for column in ("scope", "state", "reason", "by", "at"):
            table.add_column(column)
        for switch in board.all():
            state = "[bold red]ENGAGED[/]" if switch.engaged else "[green]released[/]"
            table.add_row(switch.scope, state, switch.reason, switch.changed_by,
                          switch.changed_at.isoformat(timespec="seconds"))  # fmt: skip
    console.print(table if board.all() else "no kill switch has ever been set")


def _book(
    store: Store, holdings: str | None, strategy: str | None, symbols: str, param: list[str],
    equity: float,
) -> tuple[str, Book, History, np.ndarray | None]:  # fmt: skip
    if holdings and strategy:
        _bad("give --holdings or --strategy, not both")
    if holdings:
        book, history = _checked(
            lambda: book_from_weights(store, _weights(holdings), equity=equity)
        )
        return "Holdings", book, history, None
    name = strategy or "momentum"
    cls = _checked(lambda: p.strategy_class(name, STRATEGIES))
    overrides = p.parse_params(param) if param else _demo_params(name)
    instance = cls(_checked(lambda: configure(cls, overrides, equity)))
    wanted = [s.strip().upper() for s in symbols.split(",") if s.strip()]
    with fail_cleanly():
        market = load_market(store, wanted, dt.date(1990, 1, 1), dt.date(2100, 12, 31),
                             adjustment=Adjustment.TOTAL_RETURN)  # fmt: skip
        result = run_backtest(instance, market, cash=equity, costs=DEMO_COSTS, guards=False)
    title = f"Final book of {instance.describe()}"
    return title, final_book(result), history_of(market), result.output.equity


def _demo_params(name: str) -> dict[str, object]:
    return {"lookback": 126, "top_n": 3, "rebalance": "month_end"} if name == "momentum" else {}


def _snapshot(
    store: Store, weights: dict[str, float], symbol: str, equity: float, power: float | None
) -> BookSnapshot:
    wanted = {**weights, symbol: 0.0}
    book, _ = _checked(lambda: book_from_weights(store, wanted, equity=equity, benchmark=symbol))
    units = to_quantities(book.weights, equity, book.prices, fractional_units(book.symbols))
    gross = float(np.abs(units * book.prices).sum())
    return BookSnapshot(
        equity=Decimal(repr(equity)),
        buying_power=Decimal(repr(power if power is not None else max(equity - gross, 0.0))),
        positions={s: Decimal(repr(float(q))) for s, q in zip(book.symbols, units, strict=True)},
        last_close={
            s: Decimal(repr(float(c))) for s, c in zip(book.symbols, book.prices, strict=True)
        },
    )


def _weights(text: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for pair in (part.strip() for part in text.split(",") if part.strip()):
        symbol, _, value = pair.partition("=")
        try:
            weights[symbol.strip().upper()] = float(value)
        except ValueError:
            _bad(f"--holdings wants SYMBOL=weight pairs, got {pair!r}")
    if not weights:
        _bad("--holdings lists no SYMBOL=weight pairs")
    return weights


def _policy(path: Path | None) -> RiskPolicy:
    loaded: RiskPolicy = _checked(lambda: load_policy(path) if path else default_policy())
    return loaded


def _decimal(text: str, name: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        _bad(f"{name} {text!r} is not a number")


def _price(text: str | None, name: str) -> Decimal | None:
    return None if text is None else _decimal(text, f"{name} price")


@contextmanager
def _store(sample: bool) -> Iterator[Store]:
    with opened_store(StoreKind.SAMPLE if sample else StoreKind.LIVE) as store:
        yield store


def _checked(make: Callable[[], T]) -> T:
    """Call `make`; Tetra and value errors exit cleanly with code 2."""
    try:
        return make()
    except KeyError as error:  # its message arrives quoted
        _bad(str(error).strip("'\""))
    except (TetraError, ValueError) as error:
        _bad(str(error))


def _bad(message: str) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(EXIT_BAD_INPUT)
