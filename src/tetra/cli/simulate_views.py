"""How `tetra simulate` prints: parameter tables, distributions, fan bands, loss tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from rich.table import Table

from tetra.backtest.research.simulation_runs import SimulationRecord
from tetra.cli.common import console
from tetra.market import MarketData
from tetra.simulation.models.base import FittedModel

PERCENT_METRICS = ("total_return", "cagr", "max_drawdown", "time_under_water")
SAMPLE_NOTE = " [yellow](SAMPLE DATA: synthetic)[/]"


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Table:
    """Print and return a Rich table, the first column left-aligned, the rest right."""
    shown = Table(title=title)
    for i, name in enumerate(columns):
        shown.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        shown.add_row(*(str(v) for v in row))
    console.print(shown)
    return shown


def print_calibration(model: FittedModel) -> None:
    """Print the model's per-symbol parameters as a grid and its panel-wide ones below."""
    frame = pd.DataFrame(
        [(p.symbol, p.name, p.value) for p in model.parameters()],
        columns=["symbol", "name", "value"],
    )
    per_symbol = frame[frame["symbol"] != "*"].pivot(index="symbol", columns="name", values="value")
    info = model.info
    title = f"{model.model} calibrated on {info.first} .. {info.last} ({info.returns} returns)"
    names = list(per_symbol.columns)
    table(
        title,
        ["symbol", *names],
        ([s, *(_number(v) for v in row)] for s, row in per_symbol.iterrows()),
    )
    joint = frame[frame["symbol"] == "*"]
    if not joint.empty:
        table(
            "panel-wide",
            ["parameter", "value"],
            ([n, _number(v)] for n, v in zip(joint["name"], joint["value"], strict=True)),
        )


def print_paths(model: FittedModel, paths: list[MarketData]) -> None:
    """Print each symbol's annualised drift and volatility: history vs generated paths."""
    per_year = model.info.periods_per_year
    moves = np.concatenate([np.diff(np.log(p.close), axis=0) for p in paths])
    fitted = {(q.symbol, q.name): q.value for q in model.parameters()}
    rows = []
    for j, symbol in enumerate(model.info.symbols):
        column = moves[:, j][np.isfinite(moves[:, j])]
        rows.append(
            [
                symbol,
                f"{column.mean() * per_year:+.1%}",
                f"{column.std() * np.sqrt(per_year):.1%}",
                _number(fitted.get((symbol, "annual_volatility"), np.nan)),
                f"{paths[0].close[-1, j]:,.2f}",
            ]
        )
    table(
        f"{len(paths)} {model.model} paths of {paths[0].shape[0]} bars from {model.info.last}",
        ["symbol", "drift/yr", "vol/yr", "fitted vol/yr", "path 0 last close"],
        rows,
    )


def print_montecarlo(record: SimulationRecord, sample: bool) -> None:
    """Print the distribution table, the probabilities and the fan chart's bands."""
    result = record.montecarlo
    assert result is not None
    note = SAMPLE_NOTE if sample else ""
    summary = result.summary()
    rows = (
        [
            name,
            *(
                _value(name, v)
                for v in summary.loc[name, ["mean", "p5", "p25", "p50", "p75", "p95"]]
            ),
        ]
        for name in summary.index
    )
    table(
        f"{record.subject}: {len(result.metrics):,} {result.model} paths "
        f"of {result.spec.paths.bars} bars",
        ["metric", "mean", "p5", "p25", "p50", "p75", "p95"],
        rows,
    )
    threshold = result.spec.drawdown_threshold
    console.print(
        f"P(loss) = [bold]{result.probability_of_loss:.1%}[/]   "
        f"P(drawdown beyond {threshold:.0%}) = [bold]{result.probability_of_drawdown:.1%}[/]{note}"
    )
    picks = np.unique(np.linspace(0, len(result.bands) - 1, 7).round().astype(int))
    bands = result.bands.iloc[picks]
    dates = [str(result.dates[i])[:10] for i in picks]
    table(
        "Fan chart: equity (start = 1) by percentile",
        ["date", "p5", "p25", "p50", "p75", "p95"],
        (
            [d, *(f"{v:.3f}" for v in row)]
            for d, (_, row) in zip(dates, bands.iterrows(), strict=True)
        ),
    )
    for warning in record.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def print_stress(record: SimulationRecord, *, details: bool) -> None:
    """Print one row per scenario (method, return, P&L, drawdowns, worst holding)."""
    rows = []
    for o in record.scenarios:
        worst = min(o.holdings, key=lambda h: h.pnl)
        proxy = "" if o.proxy_drawdown is None else f"{o.proxy_drawdown:+.1%}"
        rows.append(
            [
                o.scenario.title,
                o.method,
                o.scenario.describe_window(),
                f"{o.portfolio_return:+.1%}",
                f"{o.pnl:+,.0f}",
                f"{o.max_drawdown:+.1%}",
                proxy,
                f"{worst.symbol} {worst.pnl:+,.0f}",
            ]
        )
    table(
        f"Stress: {record.subject}",
        ["scenario", "method", "window", "return", "P&L", "max DD", "proxy DD", "worst holding"],
        rows,
    )
    if details:
        for o in record.scenarios:
            table(
                f"{o.scenario.title} ({o.method}: {o.why})",
                ["holding", "return", "P&L", "betas"],
                (
                    [h.symbol, f"{h.scenario_return:+.1%}", f"{h.pnl:+,.0f}", _betas(h.betas)]
                    for h in o.holdings
                ),
            )


def print_robustness(run_id: str, method: str, frame: pd.DataFrame) -> None:
    """Print the distribution of a stored run's bootstrap or trade reshuffle."""
    summary = frame.attrs["summary"]
    rows = (
        [name, *(_value(name, v) for v in summary.loc[name, ["mean", "p5", "p50", "p95"]])]
        for name in summary.index
    )
    table(
        f"{method} of run {run_id}: {len(frame):,} paths",
        ["metric", "mean", "p5", "p50", "p95"],
        rows,
    )
    if method == "reshuffle":
        console.print(
            "Reshuffling keeps the final equity: it shows path risk (drawdowns), not edge."
        )


def _betas(betas: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:+.2f}" for k, v in betas.items()) or "-"


def _value(metric: str, value: float) -> str:
    if not np.isfinite(value):
        return "-"
    return f"{value:+.1%}" if metric in PERCENT_METRICS else f"{value:.2f}"


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "-"
    return f"{value:.4g}"
