"""The backtests `tetra demo` runs on the sample store: a few library strategies, side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from tetra.backtest.books import final_book, history_of
from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.cli.common import console
from tetra.cli.risk_simulation import monte_carlo, scenario_stress
from tetra.cli.risk_views import print_report
from tetra.core.errors import TetraError
from tetra.data.ports import Store
from tetra.market import Adjustment, load_market
from tetra.risk.policy import default_policy
from tetra.risk.report import risk_report
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.simulation.scenarios.book_stress import LibraryStress
from tetra.strategy.base import Strategy
from tetra.strategy.library import (
    STRATEGIES,
    Butterfly,
    BuyAndHold,
    CrossSectionalMomentum,
    MomentumSwitch,
    MovingAverageCrossover,
    PairTrading,
)

DEMO_COSTS = Costs(Commission(per_share=0.005, minimum=1.0), Slippage(basis_points=2))
EIGHT_ETFS = ("SPY", "QQQ", "IWM", "EFA", "VWO", "TLT", "GLD", "XLE")


@dataclass(frozen=True)
class DemoCase:
    label: str
    strategy: Strategy[Any]
    symbols: tuple[str, ...]


DEMO_CASES = (
    DemoCase("buy & hold SPY", BuyAndHold(), ("SPY",)),
    DemoCase(
        "SMA 20/50, 5 ETFs", MovingAverageCrossover(fast=20, slow=50), (*EIGHT_ETFS[:4], "TLT")
    ),
    DemoCase(
        "momentum top 3 of 8",
        CrossSectionalMomentum(lookback=126, top_n=3, rebalance="month_end"),
        EIGHT_ETFS,
    ),
    DemoCase("switch SPY/TLT", MomentumSwitch(lookback=63, min_hold=21), ("SPY", "TLT")),
    DemoCase("pair SPY/IVV", PairTrading(window=60, entry_z=2.0, exit_z=0.5), ("SPY", "IVV")),
    DemoCase("fly SHY/IEF/TLT", Butterfly(window=60, entry_z=2.0), ("SHY", "IEF", "TLT")),
)


RISK_CASE = "momentum top 3 of 8"
RISK_PATHS, RISK_SEED, RISK_MODEL = 500, 0, "bootstrap"


def print_demo_backtests(store: Store, start: dt.date, end: dt.date) -> dict[str, BacktestResult]:
    """Backtest each demo case on the sample store, print their metrics; return the results."""
    table = Table(title="Library strategies on the SAMPLE universe (synthetic; costs included)")
    for name in ("strategy", "total", "CAGR", "Sharpe", "max DD", "closed", "open"):
        table.add_column(name, justify="left" if name == "strategy" else "right")
    warnings: list[str] = []
    results: dict[str, BacktestResult] = {}
    for case in DEMO_CASES:
        market = load_market(
            store, list(case.symbols), start, end, adjustment=Adjustment.TOTAL_RETURN
        )
        result = run_backtest(case.strategy, market, costs=DEMO_COSTS)
        results[case.label] = result
        metrics = result.metrics()
        table.add_row(
            case.label,
            f"{metrics.total_return:+.1%}",
            f"{metrics.annual_return:+.1%}",
            f"{metrics.sharpe_ratio:.2f}",
            f"{metrics.max_drawdown:.1%}",
            f"{metrics.number_of_trades:,}",
            f"{metrics.open_trades:,}",
        )
        warnings += [f"{case.label}: {w}" for w in result.warnings]
    console.print(table)
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    return results


def print_demo_risk(store: Store, result: BacktestResult) -> None:
    """Print the risk report of a demo backtest's final book under the default policy.

    The report is `tetra risk report`'s, Monte Carlo row and scenario losses included, with
    fewer Monte Carlo paths (`RISK_PATHS`) to keep the demo quick.
    """
    report = risk_report(
        final_book(result), history_of(result.market), default_policy(),
        equity_curve=result.output.equity,
        monte_carlo=monte_carlo(RISK_PATHS, RISK_SEED, RISK_MODEL), stress=_stress(store),
    )  # fmt: skip
    print_report(console, f"Risk of the final book of '{RISK_CASE}' (default policy)", report)


def _stress(store: Store) -> LibraryStress | None:
    try:
        return scenario_stress(store)
    except TetraError as error:  # a user's scenario file that does not parse
        console.print(f"[yellow]warning:[/] scenario losses left out: {error}")
        return None


DEMO_PORTFOLIO = {"SPY": 0.6, "TLT": 0.3, "GLD": 0.1}


def print_demo_simulation(store: Store, start: dt.date, end: dt.date) -> None:
    """Run one small Monte Carlo and one stress table on the sample store and print them."""
    from tetra.adapters.compute import open_executor
    from tetra.backtest.research.simulation_runs import SimulationRequest, run_simulation
    from tetra.cli.simulate_views import print_montecarlo, print_stress
    from tetra.simulation.scenarios import shipped_scenarios

    symbols = tuple(DEMO_PORTFOLIO)
    montecarlo = SimulationRequest(
        "montecarlo", symbols, start, end, strategy="sma_crossover", model="bootstrap",
        paths=100, bars=252, seed=7,
    )  # fmt: skip
    stress = SimulationRequest(
        "stress", symbols, start, end, portfolio=DEMO_PORTFOLIO,
        scenarios=tuple(shipped_scenarios().values()),
    )  # fmt: skip
    with open_executor(None, workers=2) as executor:
        print_montecarlo(run_simulation(store, montecarlo, executor, STRATEGIES), sample=True)
        print_stress(run_simulation(store, stress, executor, STRATEGIES), details=False)
