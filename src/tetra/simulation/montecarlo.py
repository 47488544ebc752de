"""Monte Carlo: a strategy or portfolio over N generated paths, in chunks on an executor.

`run_monte_carlo` splits the paths into chunks of `chunk` paths; each chunk (a task of two
integers) generates its paths (`tetra.simulation.paths`: one generator per path, so the
chunking never changes a number), hands each to the `PathEvaluator` (the engine's side of
the bargain: a market in, an equity curve out; `tetra.backtest.paths` runs strategies on
either backtest path) and reduces it at once to its metrics and its curve sampled at
`points` positions. Memory is therefore one chunk of markets per worker plus a few
numbers per path, whatever N is. Results come back in path order from any executor,
bit-identical between a local pool and Ray.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from tetra.compute import Executor
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation.models.base import FittedModel
from tetra.simulation.outcomes import METRICS, fan, path_metrics, sample_points, summary_frame
from tetra.simulation.paths import PathSpec, generate

Progress = Callable[[int, int], None]
DEFAULT_POINTS = 253  # fan-chart positions kept per path (one a year's session + the start)


@dataclass(frozen=True, slots=True)
class PathRun:
    """What an evaluator returns for one path: equity after each bar, from `initial`."""

    equity: np.ndarray
    initial: float
    fills: int


class PathEvaluator(Protocol):
    """Run something (a strategy, a portfolio) on one market path; must pickle."""

    def __call__(self, market: MarketData) -> PathRun:
        """Return the equity curve of the run on `market`."""
        ...


@dataclass(frozen=True, slots=True)
class MonteCarloSpec:
    """Paths, chunking and what counts as a bad drawdown."""

    paths: PathSpec
    chunk: int = 25
    points: int = DEFAULT_POINTS
    drawdown_threshold: float = 0.20

    def __post_init__(self) -> None:
        if self.chunk < 1:
            raise ValidationError(f"a chunk holds at least one path, not {self.chunk}")
        if not 0 < self.drawdown_threshold < 1:
            raise ValidationError("the drawdown threshold is a fraction between 0 and 1")

    def chunks(self) -> Iterator[tuple[int, int]]:
        """Yield (first, stop) path ranges of at most `chunk` paths."""
        for first in range(0, self.paths.paths, self.chunk):
            yield first, min(first + self.chunk, self.paths.paths)


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """Metrics (paths, len(METRICS)), sampled curves (paths, points) and fills per path."""

    metrics: np.ndarray
    curves: np.ndarray
    fills: np.ndarray


@dataclass(frozen=True)
class ChunkTask:
    """Generate and evaluate one chunk of paths: the function every worker runs."""

    model: FittedModel
    evaluate: PathEvaluator
    spec: MonteCarloSpec

    def __call__(self, bounds: tuple[int, int]) -> ChunkResult:
        per_year = self.model.info.periods_per_year
        where = sample_points(self.spec.paths.bars, self.spec.points)
        curves, fills = [], []
        for path in range(*bounds):
            run = self.evaluate(generate(self.model, self.spec.paths, path))
            curve = np.concatenate([[run.initial], run.equity]) / run.initial
            curves.append(curve)
            fills.append(run.fills)
        stacked = np.array(curves)
        metrics = path_metrics(stacked, per_year)
        table = np.column_stack([metrics[name] for name in METRICS])
        return ChunkResult(table, stacked[:, where], np.array(fills, dtype=np.int64))


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Per-path metrics, fan-chart bands and the run's description."""

    model: str
    executor: str
    spec: MonteCarloSpec
    metrics: pd.DataFrame  # one row per path: METRICS and fills
    dates: np.ndarray  # the dates of the sampled points (the first is the start)
    bands: pd.DataFrame  # rows = sampled points, columns p5..p95 of normalised equity
    warnings: list[str] = field(default_factory=list)

    @property
    def probability_of_loss(self) -> float:
        return float((self.metrics["total_return"] < 0).mean())

    @property
    def probability_of_drawdown(self) -> float:
        """Share of paths whose maximum drawdown is beyond the spec's threshold."""
        return float((self.metrics["max_drawdown"] < -self.spec.drawdown_threshold).mean())

    def summary(self) -> pd.DataFrame:
        """Return one row per metric: mean, std and percentiles over the paths."""
        return summary_frame(self.metrics)


def run_monte_carlo(
    model: FittedModel,
    evaluate: PathEvaluator,
    spec: MonteCarloSpec,
    executor: Executor,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Run `evaluate` on `spec.paths.paths` paths of `model`, chunk by chunk on `executor`."""
    task = ChunkTask(model, evaluate, spec)
    metrics, curves, fills = [], [], []
    done, total = 0, spec.paths.paths
    for chunk in executor.map(task, spec.chunks()):
        metrics.append(chunk.metrics)
        curves.append(chunk.curves)
        fills.append(chunk.fills)
        done += len(chunk.fills)
        if progress is not None:
            progress(done, total)
    frame = pd.DataFrame(np.vstack(metrics), columns=list(METRICS))
    frame["fills"] = np.concatenate(fills)
    frame.index.name = "path"
    where = sample_points(spec.paths.bars, spec.points)
    dates = _point_dates(model, spec.paths.bars)[where]
    bands = pd.DataFrame(fan(np.vstack(curves)).T, columns=["p5", "p25", "p50", "p75", "p95"])
    return MonteCarloResult(model.model, executor.name, spec, frame, dates, bands)


def _point_dates(model: FittedModel, bars: int) -> np.ndarray:
    """Return the start date (the history's last) and the dates of the `bars` bars."""
    start = np.array([np.datetime64(model.info.last, "D")])
    return np.concatenate([start, model.info.future_dates(bars)])
