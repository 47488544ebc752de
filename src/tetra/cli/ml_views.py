"""Tables `tetra ml` prints: a model beside the baseline, backtests, versions, predictions."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from rich.table import Table

from tetra.cli.backtest_risk import print_interventions
from tetra.cli.common import console
from tetra.ml.fitted import FittedModel
from tetra.ml.robustness import PERCENTILES
from tetra.ml.service import VersionEvaluation
from tetra.ml.tracking import Tracker
from tetra.ml.training import TrainingResult
from tetra.ml.validation import SignalSummary

SAMPLE_LABEL = "  [yellow]SAMPLE DATA (synthetic)[/]"
SIGNAL_ROWS = (
    ("IC (mean per day)", "ic", "{:+.4f}"),
    ("ICIR", "icir", "{:+.3f}"),
    ("rank IC", "rank_ic", "{:+.4f}"),
    ("rank ICIR", "rank_icir", "{:+.3f}"),
    ("hit rate", "hit_rate", "{:.1%}"),
    ("top - bottom quintile (per horizon)", "top_minus_bottom", "{:+.3%}"),
    ("days", "days", "{:,.0f}"),
)
BACKTEST_ROWS = (
    ("total return", "total_return", "{:+.1%}"),
    ("CAGR", "annual_return", "{:+.1%}"),
    ("Sharpe", "sharpe_ratio", "{:.2f}"),
    ("max drawdown", "max_drawdown", "{:.1%}"),
    ("turnover (x/yr)", "turnover", "{:.1f}"),
)


def print_training(result: TrainingResult, sample: bool) -> None:
    spec, evaluation = result.spec, result.evaluation
    title = (
        f"{spec.name} v{result.version}: {spec.model}, {spec.label.value} over {spec.horizon} days"
    )
    console.print(f"[bold]{title}[/]{SAMPLE_LABEL if sample else ''}")
    console.print(
        f"{result.data['rows']:,} rows, {result.data['symbols']} symbols, "
        f"{result.data['first_day']} to {result.data['last_day']}; validation {spec.validation}"
    )
    signal_table(
        "Out-of-sample signal vs the momentum baseline",
        evaluation.summary,
        evaluation.baseline_summary,
    )
    if evaluation.path_ic:
        values = ", ".join(f"{v:+.4f}" for v in evaluation.path_ic)
        console.print(f"CPCV paths: IC per path {values}")
    backtest_table(evaluation.backtest.metrics, evaluation.baseline_backtest.metrics)
    if evaluation.backtest.risk_managed:
        console.print("ml_signal under the risk policy:")
        print_interventions(evaluation.backtest.interventions)
    top = sorted(result.importance.items(), key=lambda kv: -kv[1])[:8]
    console.print("top features: " + ", ".join(f"{n} {v:.3g}" for n, v in top))
    console.print(f"tracked run [bold]{result.run_id}[/], registered {spec.name} v{result.version}")


def signal_table(title: str, model: SignalSummary, baseline: SignalSummary) -> None:
    table = _table(title, ("metric", "model", "baseline"))
    first, second = model.as_dict(), baseline.as_dict()
    for label, key, shape in SIGNAL_ROWS:
        table.add_row(label, _fmt(shape, first[key]), _fmt(shape, second[key]))
    console.print(table)


def backtest_table(model: dict[str, float], baseline: dict[str, float] | None = None) -> None:
    columns = (
        ("metric", "ml_signal", "baseline") if baseline is not None else ("metric", "ml_signal")
    )
    table = _table("Backtest of the signal (costs: 1 bp commission, 5 bp slippage)", columns)
    for label, key, shape in BACKTEST_ROWS:
        cells = [_fmt(shape, model.get(key, math.nan))]
        if baseline is not None:
            cells.append(_fmt(shape, baseline.get(key, math.nan)))
        table.add_row(label, *cells)
    console.print(table)


def print_evaluation(found: VersionEvaluation, first: dt.date, last: dt.date, sample: bool) -> None:
    fitted = found.fitted
    trained = f"trained {fitted.first_day} to {fitted.last_day}"
    console.print(f"[bold]{fitted.name} v{fitted.version}[/] on {first} to {last} ({trained})"
                  f"{SAMPLE_LABEL if sample else ''}")  # fmt: skip
    signal_table("Signal vs the momentum baseline", found.summary, found.baseline_summary)
    backtest_table(found.backtest.metrics)
    if found.backtest.risk_managed:
        print_interventions(found.backtest.interventions)
    for warning in (*found.backtest.warnings, *found.guard_problems):
        console.print(f"[yellow]warning:[/] {warning}")
    if not found.guard_problems:
        console.print("look-ahead guard: predictions unchanged when later data is removed")
    if found.robustness is not None:
        robustness_table(found)


def robustness_table(found: VersionEvaluation) -> None:
    """Print the percentiles of the per-path IC and Sharpe, and the sets paths lack."""
    assert found.robustness is not None
    fitted, summary = found.fitted, found.robustness.summary()
    console.print(
        f"robustness on {summary['paths']:.0f} {found.path_model} paths (calibrated on "
        f"{fitted.first_day} to {fitted.last_day})"
    )
    columns = ("metric", "mean", *_bands(), "> 0")
    table = _table("Per path: mean daily IC, and the Sharpe of ml_signal", columns)
    for label, key, shape in (("IC", "ic", "{:+.4f}"), ("Sharpe", "sharpe", "{:.2f}")):
        cells = [_fmt(shape, summary[f"{key}_{stat}"]) for stat in ("mean", *_bands())]
        table.add_row(label, *cells, f"{summary[f'{key}_share_positive']:.0%}")
    console.print(table)
    if found.robustness.missing_sets:
        console.print(f"missing on simulated paths: {', '.join(found.robustness.missing_sets)}")


def _bands() -> tuple[str, ...]:
    return tuple(f"p{p}" for p in PERCENTILES)


def print_predictions(fitted: FittedModel, predictions: pd.DataFrame) -> None:
    last = predictions["date"].max()
    today = predictions[predictions["date"] == last].sort_values("score", ascending=False)
    days = predictions["date"].nunique()
    console.print(
        f"stored {len(predictions):,} predictions of {fitted.name} v{fitted.version} "
        f"for {days} day(s) in derived.predictions"
    )
    table = _table(f"Top 10 on {last}", ("rank", "symbol", "score"))
    for rank, (symbol, score) in enumerate(zip(today["symbol"], today["score"], strict=True)):
        if rank == 10:
            break
        table.add_row(str(rank + 1), str(symbol), f"{score:+.5f}")
    console.print(table)


def print_models(tracker: Tracker, name: str | None) -> None:
    if name is None:
        names = tracker.models()
        table = _table("Registered models", ("model", "versions", "production"))
        for model in names:
            versions = tracker.versions(model)
            books = sorted({f"{b}: v{v.version}" for v in versions for b in v.books})
            table.add_row(model, str(len(versions)), ", ".join(books) or "-")
        console.print(table if names else "no registered models yet: run `tetra ml train`")
        return
    table = _table(
        f"Versions of {name}", ("version", "run", "IC", "baseline IC", "Sharpe", "books")
    )
    for version in tracker.versions(name):
        metrics = tracker.run(version.run_id).metrics
        table.add_row(
            str(version.version), version.run_id[:12], _fmt("{:+.4f}", metrics.get("ic", math.nan)),
            _fmt("{:+.4f}", metrics.get("baseline_ic", math.nan)),
            _fmt("{:.2f}", metrics.get("backtest_sharpe_ratio", math.nan)),
            ", ".join(version.books) or "-",
        )  # fmt: skip
    console.print(table)


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("metric", "model", "symbol") else "right"
        )
    return table


def _fmt(shape: str, value: float) -> str:
    return shape.format(value) if value == value and math.isfinite(value) else "-"
