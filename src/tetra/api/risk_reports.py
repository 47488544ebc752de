"""The risk area's work: books from requests, reports as API models, kill switches.

A holdings book is priced at the store's last closes; a run's book is rebuilt by running
the stored run again (same strategy, config, symbols, dates, cash and costs: backtests are
bit-identical on rerun) and cached, so the page's several calls pay once. Runs started from
the CLI do not store their costs, so their books are refused rather than guessed.

The simulator is plugged into the report here (risk sits below it): the request's Monte
Carlo row draws a market model's paths through `ModelReturnPaths`, and the scenario
catalog (shipped and the user's) is applied to the book by `LibraryStress`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock
from typing import Any

import numpy as np
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tetra.api.backtest_jobs import invalid, prepare_run
from tetra.api.schemas.backtests import RunRequest
from tetra.api.schemas.risk import (
    CorrelationOut,
    ExposureKind,
    ExposureOut,
    HoldingOut,
    KillSwitchOut,
    LimitUsageOut,
    RiskReportOut,
    RiskRequest,
    ScenarioHoldingOut,
    ScenarioLossOut,
    TransitionOut,
    VarOut,
    VolatilityOut,
)
from tetra.backtest.books import book_from_weights, final_book, history_of
from tetra.backtest.research.persist import load_run
from tetra.backtest.run import run_backtest
from tetra.data.ports import Store
from tetra.market import load_market
from tetra.risk.exposure import Book, Exposure
from tetra.risk.killswitch import KillSwitch
from tetra.risk.limits import LimitReading
from tetra.risk.policy import RiskPolicy, RiskPolicyError, default_policy, parse_policy
from tetra.risk.report import History, ReportSettings, RiskReport, risk_report
from tetra.risk.scenarios import MonteCarlo, MonteCarloVar, ScenarioLoss
from tetra.risk.state import Transition
from tetra.simulation.return_paths import ModelReturnPaths
from tetra.simulation.scenarios import Scenario
from tetra.simulation.scenarios.book_stress import LibraryStress

CACHED_RUNS = 16
_RunBook = tuple[Book, History, np.ndarray]


class RunBooks:
    """Final books of stored runs, rebuilt on demand and kept (least recently used out)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._books: OrderedDict[str, _RunBook] = OrderedDict()
        self._lock = Lock()

    def get(self, run_id: str) -> _RunBook:
        """Return the run's final book, history and equity curve; 404/422 when impossible."""
        with self._lock:
            if run_id in self._books:
                self._books.move_to_end(run_id)
                return self._books[run_id]
        made = self._rebuild(run_id)
        with self._lock:
            self._books[run_id] = made
            while len(self._books) > CACHED_RUNS:
                self._books.popitem(last=False)
        return made

    def _rebuild(self, run_id: str) -> _RunBook:
        try:
            stored = load_run(self._store, run_id)
        except KeyError:
            raise invalid(("body", "run_id"), f"no stored run {run_id!r}") from None
        request = _run_request(run_id, stored.definition, stored.run.get("params"))
        prepared = prepare_run(request, stored.run["started_at"])
        market = load_market(self._store, request.symbols, request.start, request.end,
                             adjustment=request.adjustment)  # fmt: skip
        result = run_backtest(prepared.strategy, market, cash=request.cash, costs=prepared.costs,
                              guards=False, **prepared.risk.options())  # fmt: skip
        return final_book(result), history_of(market), result.output.equity


def _run_request(run_id: str, definition: dict[str, Any], raw: object) -> RunRequest:
    # the stored params also hold what the run produced (warnings, legs, interventions)
    params = {k: v for k, v in _json(raw).items() if k in RunRequest.model_fields}
    try:
        return RunRequest(
            strategy=str(definition["name"]), params=_json(definition.get("config")), **params
        )
    except (ValidationError, TypeError):
        raise invalid(
            ("body", "run_id"),
            f"run {run_id!r} did not store what rebuilding its book needs (runs started "
            "from the CLI keep no costs or dates); start it from the web or the API",
        ) from None


def _json(raw: object) -> dict[str, Any]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return dict(value) if isinstance(value, dict) else {}


def policy_of(
    document: dict[str, Any] | None, field: tuple[str, ...] = ("body", "policy")
) -> RiskPolicy:
    """Return the request's policy (the default when None); a 422 naming the field if bad."""
    if document is None:
        return default_policy()
    try:
        return parse_policy(document)
    except RiskPolicyError as error:
        raise RequestValidationError(
            [{"loc": (*field, *error.field.split(".")), "msg": str(error), "type": "value_error"}]
        ) from None


def build_report(
    store: Store, runs: RunBooks, request: RiskRequest, scenarios: Sequence[Scenario] = ()
) -> RiskReportOut:
    """Compute the report the request asks for (blocking: call it in the thread pool)."""
    policy = policy_of(request.policy)
    settings = ReportSettings(request.confidence, request.horizon, request.lookback,
                              target_volatility=request.target_volatility)  # fmt: skip
    if request.run_id is not None:
        book, history, curve = runs.get(request.run_id)
        label = f"final book of run {request.run_id}"
    else:
        assert request.holdings is not None
        book, history = book_from_weights(store, request.holdings, equity=request.equity)
        curve, label = None, "holdings"
    drawn = request.monte_carlo
    simulated = (
        None if drawn is None
        else MonteCarlo(ModelReturnPaths(drawn.model), drawn.model, drawn.paths, drawn.seed)
    )  # fmt: skip
    stress = LibraryStress(store, scenarios) if request.scenarios and scenarios else None
    report = risk_report(book, history, policy, settings, equity_curve=curve,
                         monte_carlo=simulated, stress=stress)  # fmt: skip
    return report_out(label, report, settings)


def report_out(label: str, report: RiskReport, settings: ReportSettings) -> RiskReportOut:
    """Turn a `RiskReport` into the API's model (NaN and infinity become null)."""
    vol = report.volatility
    return RiskReportOut(
        book=label,
        as_of=dt.date.fromisoformat(str(report.as_of)[:10]),
        equity=report.equity,
        gross=report.gross,
        net=report.net,
        state=report.state.value,
        holdings=[_holding(h) for h in report.holdings],
        exposures=[_exposure(e) for e in report.exposures],
        var=[_estimate(e, report.equity) for e in report.estimates]
        + _simulated(report.monte_carlo, report.equity),
        correlation=_correlation(report, settings.correlation_window),
        limits=[_usage(r) for r in report.limit_usage],
        transitions=[_transition(t) for t in report.transitions[-50:]],
        volatility=VolatilityOut(
            book=report.contributions.volatility,
            target=vol.target if vol else None,
            realised=vol.realised if vol else None,
        ),
        scenarios=scenarios_out(report.scenarios, report.equity),
        notes=list(report.notes),
    )


def _correlation(report: RiskReport, window: int) -> CorrelationOut:
    order = [int(i) for i in report.clusters.order]
    matrix = report.correlation[np.ix_(order, order)]
    return CorrelationOut(
        symbols=[report.clusters.symbols[i] for i in order],
        matrix=[[_finite(v) for v in row] for row in matrix],
        clusters=report.clusters.groups(),
        window=window,
    )


def _exposure(e: Exposure) -> ExposureOut:
    kind: ExposureKind = e.kind  # type: ignore[assignment]
    return ExposureOut(
        kind=kind, name=e.name, long=e.long, short=e.short, gross=e.gross, net=e.net,
        symbols=list(e.symbols),
    )  # fmt: skip


def _usage(r: LimitReading) -> LimitUsageOut:
    return LimitUsageOut(
        kind=r.kind.value, subject=r.subject or "book", value=r.value, cap=r.cap,
        usage=_finite(r.usage), breached=r.breached,
    )  # fmt: skip


def _transition(t: Transition) -> TransitionOut:
    return TransitionOut(
        at=str(t.at), previous=t.previous.value, current=t.current.value, reason=t.reason,
        limit=t.limit.value if t.limit else None,
    )  # fmt: skip


def switch_out(switch: KillSwitch) -> KillSwitchOut:
    return KillSwitchOut(
        scope=switch.scope, engaged=switch.engaged, reason=switch.reason,
        changed_by=switch.changed_by, changed_at=switch.changed_at,
    )  # fmt: skip


def _holding(h: Any) -> HoldingOut:
    return HoldingOut(
        symbol=h.symbol, weight=h.weight, value=h.value, volatility=_finite(h.volatility),
        beta=_finite(h.beta), marginal=_finite(h.marginal), component=_finite(h.component),
        share=_finite(h.share), cluster=h.cluster,
    )  # fmt: skip


def _estimate(e: Any, equity: float) -> VarOut:
    return VarOut(
        method=e.method.value, label=e.method.label, confidence=e.confidence, horizon=e.horizon,
        var=e.var, cvar=e.cvar, var_amount=e.var * equity, cvar_amount=e.cvar * equity,
        observations=e.observations,
    )  # fmt: skip


def _simulated(simulated: MonteCarloVar | None, equity: float) -> list[VarOut]:
    if simulated is None:
        return []
    row = _estimate(simulated.estimate, equity)
    return [row.model_copy(update={"label": simulated.describe(), "model": simulated.model,
                                   "seed": simulated.seed})]  # fmt: skip


def scenarios_out(losses: Sequence[ScenarioLoss], equity: float) -> list[ScenarioLossOut]:
    """Return the scenario rows worst first, the unavailable ones last."""
    applied = sorted((s for s in losses if s.applied), key=lambda s: -s.loss)
    return [_scenario(s, equity) for s in (*applied, *(s for s in losses if not s.applied))]


def _scenario(loss: ScenarioLoss, equity: float) -> ScenarioLossOut:
    worst = loss.worst
    method: Any = loss.method
    return ScenarioLossOut(
        scenario=loss.scenario, title=loss.title or loss.scenario, method=method, why=loss.why,
        pnl=_finite(loss.pnl), pnl_pct=_finite(-loss.loss), worst_symbol=worst,
        worst_pnl=None if worst is None else _finite(-loss.by_symbol[worst] * equity),
        holdings=[
            ScenarioHoldingOut(symbol=s, scenario_return=r, pnl=-loss.by_symbol[s] * equity)
            for s, r in loss.returns.items()
        ],
    )  # fmt: skip


def _finite(value: float) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
