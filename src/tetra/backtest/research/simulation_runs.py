"""Simulator runs end to end: one entry point for the CLI, the API and a job queue.

`run_simulation(store, request, executor, ...)` checks the request, loads the history,
then either calibrates the market model and runs the Monte Carlo of the strategy or
portfolio (``kind="montecarlo"``), or applies the scenarios (``kind="stress"``), and
writes the run to the ``simulation`` schema (`save_simulation`): the run row (spec,
summary, warnings, executor), the model's parameters, per-path outcomes and fan-chart
bands, or the scenario rows per holding. `load_simulation` reads one back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import ValidationError as PydanticError

from tetra.backtest.paths import HoldingsOnPath, StrategyOnPath
from tetra.backtest.research.strategy_stress import stress_strategy
from tetra.compute import Executor
from tetra.core.errors import ValidationError
from tetra.data.ports import Query, Store
from tetra.simulation.inputs import load_history, store_span
from tetra.simulation.models import calibrate, history_of
from tetra.simulation.models.base import FittedModel
from tetra.simulation.montecarlo import (
    MonteCarloResult,
    MonteCarloSpec,
    PathEvaluator,
    run_monte_carlo,
)
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.simulation.paths import PathSpec
from tetra.simulation.scenarios import Portfolio, Scenario, ScenarioOutcome, stress_portfolio
from tetra.simulation.shocks import Shock, shock_to_mapping
from tetra.strategy.base import Strategy

SOURCE = "tetra"
Kind = Literal["montecarlo", "stress"]
Progress = Callable[[float], None]
StrategyRegistry = Mapping[str, type[Strategy[Any]]]


@dataclass(frozen=True)
class SimulationRequest:
    """What to simulate: a strategy (by registry name) or a portfolio, how, and on what."""

    kind: Kind
    symbols: tuple[str, ...]
    start: dt.date
    end: dt.date
    strategy: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    portfolio: Mapping[str, float] = field(default_factory=dict)
    model: str = "bootstrap"
    states: int = 2
    paths: int = 200
    bars: int = 252
    seed: int = 0
    shocks: tuple[Shock, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    cash: float = 1_000_000.0
    commission_bps: float = 0.0
    slippage_bps: float = 0.0
    drawdown_threshold: float = 0.2
    path: Literal["auto", "compiled", "callback"] = "auto"

    def __post_init__(self) -> None:
        if (self.strategy is None) == (not self.portfolio):
            raise ValidationError("simulate either a strategy or a portfolio (exactly one)")
        missing = sorted(set(self.portfolio) - set(self.symbols))
        if missing:
            raise ValidationError(
                f"portfolio holdings {', '.join(missing)} are not among the symbols"
            )

    @property
    def costs(self) -> Costs:
        return Costs(
            Commission(basis_points=self.commission_bps), Slippage(basis_points=self.slippage_bps)
        )

    def spec(self) -> dict[str, Any]:
        """Return the request as JSON-ready data (stored with the run)."""
        data = {k: v for k, v in asdict(self).items() if k not in ("shocks", "scenarios")}
        data["shocks"] = [shock_to_mapping(s) for s in self.shocks]
        data["scenarios"] = [s.name for s in self.scenarios]
        spec: dict[str, Any] = json.loads(json.dumps(data, default=str))
        return spec


@dataclass
class SimulationRecord:
    """A finished run: its id, what it was, and its results (one of the two kinds)."""

    run_id: str
    request: SimulationRequest
    subject: str
    executor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    model: FittedModel | None = None
    montecarlo: MonteCarloResult | None = None
    scenarios: list[ScenarioOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def simulation_id(request: SimulationRequest, started_at: dt.datetime) -> str:
    """Return a readable id: kind, a hash of the spec, the start time."""
    digest = hashlib.sha256(json.dumps(request.spec(), sort_keys=True).encode()).hexdigest()[:12]
    return f"{request.kind}-{digest}-{started_at:%Y%m%dT%H%M%S%f}"


def run_simulation(
    store: Store,
    request: SimulationRequest,
    executor: Executor,
    strategies: StrategyRegistry,
    *,
    progress: Progress | None = None,
    started_at: dt.datetime | None = None,
) -> SimulationRecord:
    """Run `request` (see the module docstring), store it, and return the record."""
    started = started_at or dt.datetime.now(dt.UTC)
    strategy = strategy_of(request, strategies)
    subject = strategy.describe() if strategy else _portfolio_text(request.portfolio)
    record = SimulationRecord(
        simulation_id(request, started), request, subject, executor.name, started
    )
    tick = progress or (lambda _: None)
    if request.kind == "montecarlo":
        _monte_carlo(store, request, executor, strategy, record, tick)
    else:
        _stress(store, request, strategy, record)
    record.finished_at = dt.datetime.now(dt.UTC)
    save_simulation(store, record)
    tick(1.0)
    return record


def _monte_carlo(
    store: Store,
    request: SimulationRequest,
    executor: Executor,
    strategy: Strategy[Any] | None,
    record: SimulationRecord,
    tick: Progress,
) -> None:
    history = history_of(load_history(store, request.symbols, request.start, request.end))
    tick(0.05)
    record.model = calibrate(request.model, history, states=request.states)
    tick(0.15)
    evaluate: PathEvaluator = (
        StrategyOnPath(strategy, request.path, request.cash, request.costs)
        if strategy
        else HoldingsOnPath.of(request.portfolio, request.cash)
    )
    spec = MonteCarloSpec(
        PathSpec(request.paths, request.bars, request.seed, request.shocks),
        chunk=max(1, min(25, -(-request.paths // (2 * executor.workers)))),
        drawdown_threshold=request.drawdown_threshold,
    )
    result = run_monte_carlo(
        record.model, evaluate, spec, executor, lambda done, total: tick(0.15 + 0.8 * done / total)
    )
    record.montecarlo = result
    record.warnings += _drought_warning(request)


def _stress(
    store: Store,
    request: SimulationRequest,
    strategy: Strategy[Any] | None,
    record: SimulationRecord,
) -> None:
    if not request.scenarios:
        raise ValidationError("choose at least one scenario")
    _, as_of = store_span(store, list(request.symbols))
    if strategy is None:
        portfolio = Portfolio(dict(request.portfolio), request.cash)
        record.scenarios = stress_portfolio(store, portfolio, request.scenarios, as_of=as_of)
    else:
        record.scenarios = stress_strategy(
            store, strategy, list(request.symbols), list(request.scenarios), as_of=as_of,
            cash=request.cash, costs=request.costs,
        )  # fmt: skip


def strategy_of(request: SimulationRequest, strategies: StrategyRegistry) -> Strategy[Any] | None:
    """Return the request's strategy, configured; raise `ValidationError` if unknown or bad."""
    if request.strategy is None:
        return None
    if request.strategy not in strategies:
        known = ", ".join(sorted(strategies))
        raise ValidationError(f"unknown strategy {request.strategy!r}; known: {known}")
    cls = strategies[request.strategy]
    params = dict(request.params)
    if "cash" in cls.Config.model_fields and "cash" not in params:
        params["cash"] = request.cash
    try:
        return cls(cls.Config(**params))
    except PydanticError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ValidationError(f"bad parameters for {cls.name}: {problems}") from error


def _drought_warning(request: SimulationRequest) -> list[str]:
    if any(s.kind == "drought" for s in request.shocks) and request.slippage_bps:
        return [
            "liquidity drought: slippage scales with 1/volume only under the volume-share "
            "slippage model; this run's basis-point slippage did not change"
        ]
    return []


def _portfolio_text(weights: Mapping[str, float]) -> str:
    return ", ".join(f"{s} {w:.0%}" for s, w in sorted(weights.items()))


def save_simulation(store: Store, record: SimulationRecord) -> str:
    """Write `record` to the simulation schema; the run row last. Rewriting is idempotent."""
    run_id = record.run_id
    if record.model is not None:
        rows = [
            {
                "run_id": run_id,
                "symbol": p.symbol,
                "parameter": p.name,
                "value": p.value,
                "source": SOURCE,
            }
            for p in record.model.parameters()
        ]
        store.upsert("simulation.parameters", pd.DataFrame(rows))
    if record.montecarlo is not None:
        store.upsert("simulation.outcomes", _outcome_rows(run_id, record.montecarlo))
        store.upsert("simulation.bands", _band_rows(run_id, record.montecarlo))
    if record.scenarios:
        store.upsert("simulation.scenario_results", _scenario_rows(run_id, record.scenarios))
    store.upsert("simulation.runs", pd.DataFrame([_run_row(record)]))
    return run_id


def _outcome_rows(run_id: str, result: MonteCarloResult) -> pd.DataFrame:
    frame = result.metrics.reset_index()
    return frame.assign(run_id=run_id, source=SOURCE)


def _band_rows(run_id: str, result: MonteCarloResult) -> pd.DataFrame:
    steps = np.unique(
        np.linspace(0, result.spec.paths.bars, len(result.bands)).round().astype(np.int64)
    )
    ts = pd.to_datetime(result.dates.astype("datetime64[ns]")).tz_localize("UTC")
    return result.bands.assign(run_id=run_id, step=steps, ts=ts, source=SOURCE)


def _scenario_rows(run_id: str, outcomes: list[ScenarioOutcome]) -> pd.DataFrame:
    rows = []
    for o in outcomes:
        base = {
            "run_id": run_id,
            "scenario": o.scenario.name,
            "method": o.method,
            "why": o.why,
            "source": SOURCE,
        }
        total = _scenario_row(None, o.portfolio_return, o.pnl, None)
        total.update(symbol="*", max_drawdown=o.max_drawdown, proxy_drawdown=o.proxy_drawdown)
        rows.append({**base, **total})
        for h in o.holdings:
            row = _scenario_row(_finite(h.weight), h.scenario_return, h.pnl, h.betas or None)
            rows.append({**base, **row, "symbol": h.symbol})
    return pd.DataFrame(rows)


def _scenario_row(
    weight: float | None, scenario_return: float, pnl: float, betas: dict[str, float] | None
) -> dict[str, Any]:
    return {
        "weight": weight,
        "scenario_return": scenario_return,
        "pnl": pnl,
        "max_drawdown": None,
        "proxy_drawdown": None,
        "betas": json.dumps(betas) if betas else None,
    }


def _run_row(record: SimulationRecord) -> dict[str, Any]:
    return {
        "run_id": record.run_id,
        "kind": record.request.kind,
        "status": "done",
        "subject": record.subject,
        "model": record.request.model if record.request.kind == "montecarlo" else None,
        "executor": record.executor,
        "spec": json.dumps(record.request.spec()),
        "summary": json.dumps(summary_of(record), default=_json_number),
        "warnings": json.dumps(record.warnings),
        "error": None,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "source": SOURCE,
    }


def summary_of(record: SimulationRecord) -> dict[str, Any]:
    """Return the run's headline numbers (stored as the run row's summary)."""
    if record.montecarlo is None:
        return {
            o.scenario.name: {"method": o.method, "return": o.portfolio_return, "pnl": o.pnl}
            for o in record.scenarios
        }
    result = record.montecarlo
    summary = result.summary()
    return {
        "paths": len(result.metrics),
        "probability_of_loss": result.probability_of_loss,
        "probability_of_drawdown": result.probability_of_drawdown,
        "drawdown_threshold": result.spec.drawdown_threshold,
        "metrics": {m: {k: _finite(v) for k, v in row.items()} for m, row in summary.iterrows()},
    }


def load_simulation(store: Store, run_id: str) -> dict[str, pd.DataFrame]:
    """Return the stored frames of one run (``runs`` empty when there is no such run)."""
    tables = ("runs", "parameters", "outcomes", "bands", "scenario_results")
    return {t: store.read(Query(f"simulation.{t}", where={"run_id": run_id})) for t in tables}


def _finite(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None


def _json_number(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")
