"""The backtests `tetra demo` runs on the sample store: a few library strategies, side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from tetra.backtest.run import run_backtest
from tetra.cli.common import console
from tetra.data.ports import Store
from tetra.market import Adjustment, load_market
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.base import Strategy
from tetra.strategy.library import (
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


def print_demo_backtests(store: Store, start: dt.date, end: dt.date) -> None:
    """Backtest each demo case on the sample store and print their metrics in one table."""
    table = Table(title="Library strategies on the SAMPLE universe (synthetic; costs included)")
    for name in ("strategy", "total", "CAGR", "Sharpe", "max DD", "trades"):
        table.add_column(name, justify="left" if name == "strategy" else "right")
    warnings: list[str] = []
    for case in DEMO_CASES:
        market = load_market(
            store, list(case.symbols), start, end, adjustment=Adjustment.TOTAL_RETURN
        )
        result = run_backtest(case.strategy, market, costs=DEMO_COSTS)
        metrics = result.metrics()
        table.add_row(
            case.label,
            f"{metrics.total_return:+.1%}",
            f"{metrics.annual_return:+.1%}",
            f"{metrics.sharpe_ratio:.2f}",
            f"{metrics.max_drawdown:.1%}",
            f"{metrics.number_of_trades:,}",
        )
        warnings += [f"{case.label}: {w}" for w in result.warnings]
    console.print(table)
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}")
