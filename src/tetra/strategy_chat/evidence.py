"""The evidence for one spec: backtest with costs, candidates, walk-forward, DSR, Monte Carlo.

- backtest: the spec compiled and run with its costs and the bias guards on, its entries
  sized by its `sizing`, under its risk policy (`risk.policy`: the default or a named file)
  and its drawdown limit (`policy_of`); the candidates and the walk-forward run under the
  same sizing and policy;
- candidates: the spec and up to four neighbours (its "less turnover" and "more trades"
  refinements, once and twice), each backtested without guards: a small sweep whose size
  is the number of trials the deflated Sharpe ratio accounts for;
- walk-forward: rolling folds (train 2 years, test 6 months, shorter on short histories);
  on each, the candidate with the best in-sample Sharpe runs out of sample; the test
  windows' returns are chained (`risk_interventions`: the gate's, summed over the test
  windows, under a policy);
- deflated Sharpe: Bailey and Lopez de Prado's probability that the spec's Sharpe is above
  zero given the candidates tried;
- Monte Carlo: a stationary bootstrap of the backtest's daily returns (200 paths, seed 0);
- the stress table (every shipped scenario, by the market source: it needs the store).
`caveats` says plainly where the evidence is weak.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tetra.backtest.research.walk_forward import Fold, folds, run_out_of_sample
from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.risk.policy import BreachRule, RiskPolicy, RiskPolicyError, default_policy, load_policy
from tetra.risk.vocabulary import LimitKind, TradingState
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.spec import (
    IdeaNotUnderstood,
    SpecInputs,
    StrategySpec,
    compile_spec,
    parse_idea,
    spec_hash,
)
from tetra.strategy.spec.compile import sizing_policy

__all__ = ["CASH", "Evidence", "PolicyLoader", "gather_evidence", "neighbours", "policy_loader"]

CASH = 1_000_000.0
MONTE_CARLO_PATHS = 200
MIN_TRADES = 20
DSR_CONFIDENCE = 0.95
_CHART_POINTS = 250


@dataclass(frozen=True)
class Candidate:
    label: str
    spec_hash: str
    sharpe: float
    total_return: float
    fills: int


@dataclass
class Evidence:
    """Headline numbers, charts and caveats of one spec on one market."""

    metrics: dict[str, float]
    trades: int
    first_day: str
    last_day: str
    candidates: list[Candidate]
    walk_forward: dict[str, Any]
    deflated_sharpe: dict[str, float]
    monte_carlo: dict[str, float]
    equity: list[tuple[str, float]]
    drawdown: list[tuple[str, float]]
    warnings: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    stress: list[dict[str, Any]] = field(default_factory=list)  # one row per scenario

    def digest(self, spec: StrategySpec) -> str:
        """Return a SHA-256 over the spec's hash and the numbers (what an approval signs)."""
        numbers = {
            "spec": spec_hash(spec),
            "window": [self.first_day, self.last_day],
            "metrics": {k: _round(v) for k, v in sorted(self.metrics.items())},
            "trades": self.trades,
            "walk_forward": {
                k: _round(v) for k, v in sorted(self.walk_forward.items()) if k != "folds"
            },
        }
        return hashlib.sha256(json.dumps(numbers, sort_keys=True).encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(f"{value:.10g}")
    return value


def costs_of(spec: StrategySpec) -> Costs:
    return Costs(
        Commission(basis_points=spec.costs.commission_bps),
        Slippage(basis_points=spec.costs.slippage_bps),
    )


def neighbours(spec: StrategySpec) -> list[tuple[str, StrategySpec]]:
    """Return the spec and its turnover neighbours (labelled), without duplicates."""
    found: dict[str, tuple[str, StrategySpec]] = {spec_hash(spec): ("as described", spec)}
    for phrase, label in (("less turnover", "slower"), ("more trades", "faster")):
        current = spec
        for times in (1, 2):
            try:
                current = parse_idea(phrase, current).spec
            except IdeaNotUnderstood:
                break
            found.setdefault(spec_hash(current), (f"{label} x{times}", current))
    return list(found.values())


PolicyLoader = Callable[[str], RiskPolicy]


def policy_loader(directory: Path | None) -> PolicyLoader:
    """Return what reads a spec's named risk policy: ``default`` is Tetra's shipped one; any
    other name is ``<directory>/<name>.toml``, refused (`RiskPolicyError`) when absent."""

    def load(name: str) -> RiskPolicy:
        if name == "default":
            return default_policy()
        path = None if directory is None else directory / f"{name}.toml"
        if path is None or not path.is_file():
            where = f"no {path}" if path else "no policy directory"
            raise RiskPolicyError(f"risk.policy: no risk policy named {name!r} ({where})")
        return load_policy(path)

    return load


def policy_of(spec: StrategySpec, load: PolicyLoader | None = None) -> RiskPolicy | None:
    """Return the risk policy the spec's backtest runs under, or None without one.

    `risk.policy` names the base policy (read with `load`); `risk.max_drawdown` sets or
    overrides its drawdown limit, and a breach of it puts the book in `reducing` (the
    strategy's exits pass, no new exposure) rather than `halted`, which would also refuse the
    strategy's own exits.
    """
    name, limit = spec.risk.policy, spec.risk.max_drawdown
    base = None if name is None else (load or policy_loader(None))(name)
    if limit is None:
        return base
    reducing = BreachRule(state=TradingState.REDUCING)
    if base is None:
        return RiskPolicy(max_drawdown=limit, on_breach={LimitKind.DRAWDOWN: reducing})
    on_breach = {**base.on_breach, LimitKind.DRAWDOWN: reducing}
    return base.model_copy(update={"max_drawdown": limit, "on_breach": on_breach})


def gather_evidence(
    spec: StrategySpec, market: MarketData, inputs: SpecInputs, policy: RiskPolicy | None = None
) -> Evidence:
    """Run everything in the module docstring for `spec` on `market` under `policy` (the
    spec's, from `policy_of`)."""
    costs = costs_of(spec)
    result = run_backtest(
        compile_spec(spec, inputs), market, cash=CASH, costs=costs, risk_policy=policy,
        sizing=sizing_policy(spec),
    )  # fmt: skip
    metrics = _metrics(result)
    if policy is not None:
        metrics["risk_interventions"] = float(len(result.interventions))
    tried = _candidates(neighbours(spec), market, inputs, costs, policy)
    walk = _walk_forward([s for _, s in neighbours(spec)], market, inputs, costs, policy)
    dsr = _deflated(result, [c.sharpe for c in tried])
    monte_carlo = _monte_carlo(result)
    evidence = Evidence(
        metrics=metrics,
        trades=len(result.trades),
        first_day=str(market.dates[0]) if len(market.dates) else "",
        last_day=str(market.dates[-1]) if len(market.dates) else "",
        candidates=tried,
        walk_forward=walk,
        deflated_sharpe=dsr,
        monte_carlo=monte_carlo,
        equity=_chart(result.equity),
        drawdown=_chart(result.equity / result.equity.cummax() - 1.0),
        warnings=list(result.warnings),
    )
    evidence.caveats = caveats(spec, evidence)
    return evidence


def _metrics(result: BacktestResult) -> dict[str, float]:
    if not len(result.equity) or not (result.equity > 0).all():
        return {"final_equity": float(result.final_equity)}
    chosen = ("total_return", "annual_return", "sharpe_ratio", "sortino_ratio", "max_drawdown",
              "annual_volatility", "turnover", "win_rate", "exposure")  # fmt: skip
    every = result.metrics().as_dict()
    found = {k: float(every[k]) for k in chosen if k in every}
    found["final_equity"] = float(result.final_equity)
    return found


def _candidates(
    specs: list[tuple[str, StrategySpec]],
    market: MarketData,
    inputs: SpecInputs,
    costs: Costs,
    policy: RiskPolicy | None,
) -> list[Candidate]:
    tried = []
    for label, spec in specs:
        strategy = compile_spec(spec, inputs)
        run = run_backtest(
            strategy, market, cash=CASH, costs=costs, risk_policy=policy,
            sizing=sizing_policy(spec), guards=False,
        )  # fmt: skip
        sharpe, total = quick_metrics(run.output.equity)
        tried.append(Candidate(label, spec_hash(spec), sharpe, total, len(run.output.fills)))
    return tried


def quick_metrics(equity: np.ndarray) -> tuple[float, float]:
    """Return the annualised Sharpe ratio and total return of an equity curve (NaN if flat
    or blown up): the candidates' and folds' score, without the trade statistics."""
    if len(equity) < 3 or not (equity > 0).all():
        return math.nan, math.nan
    returns = np.diff(equity) / equity[:-1]
    spread = returns.std(ddof=1)
    sharpe = float(returns.mean() / spread * math.sqrt(252)) if spread > 0 else math.nan
    return sharpe, float(equity[-1] / equity[0] - 1.0)


def _fold_sizes(rows: int) -> tuple[int, int]:
    if rows >= 504 + 2 * 126:
        return 504, 126
    train = max(rows // 2, 2)
    return train, max((rows - train) // 3, 2)


def _walk_forward(
    specs: list[StrategySpec],
    market: MarketData,
    inputs: SpecInputs,
    costs: Costs,
    policy: RiskPolicy | None,
) -> dict[str, Any]:
    train, test = _fold_sizes(market.shape[0])
    splits = folds(market.shape[0], train, test)
    if not splits:
        return {"folds": 0, "sharpe_ratio": math.nan, "in_sample_sharpe": math.nan}
    tests, in_sample, chosen = [], [], []
    for split in splits:
        best, score = _best_in_sample(specs, market, split, inputs, costs, policy)
        in_sample.append(score)
        chosen.append(best)
        strategy, sizing = compile_spec(specs[best], inputs), sizing_policy(specs[best])
        test_run = run_out_of_sample(
            strategy, market, split, train, cash=CASH, costs=costs, risk_policy=policy,
            sizing=sizing,
        )  # fmt: skip
        tests.append(test_run)
    returns = np.concatenate([np.diff(t.output.equity) / t.output.equity[:-1] for t in tests])
    curve = CASH * np.concatenate([[1.0], np.cumprod(1.0 + returns)])
    sharpe, total = quick_metrics(curve)
    found = {
        "folds": len(splits),
        "train_bars": train,
        "test_bars": test,
        "sharpe_ratio": sharpe,
        "total_return": total,
        "in_sample_sharpe": float(np.nanmean(in_sample)) if in_sample else math.nan,
        "chosen_as_described": float(np.mean([c == 0 for c in chosen])),
    }
    if policy is not None:
        found["risk_interventions"] = float(sum(len(t.interventions) for t in tests))
    return found


def _best_in_sample(
    specs: list[StrategySpec],
    market: MarketData,
    split: Fold,
    inputs: SpecInputs,
    costs: Costs,
    policy: RiskPolicy | None,
) -> tuple[int, float]:
    window = market.window(split.train_start, split.train_stop)
    scores = []
    for spec in specs:
        run = run_backtest(
            compile_spec(spec, inputs), window, cash=CASH, costs=costs, risk_policy=policy,
            sizing=sizing_policy(spec), guards=False,
        )  # fmt: skip
        scores.append(quick_metrics(run.output.equity)[0])
    finite = [s if math.isfinite(s) else -math.inf for s in scores]
    best = int(np.argmax(finite))
    return best, scores[best]


def _deflated(result: BacktestResult, sharpes: list[float]) -> dict[str, float]:
    from tetra.simulation.robustness import deflated_sharpe_ratio  # scipy: on first use

    try:
        dsr = deflated_sharpe_ratio(result.equity.pct_change().to_numpy()[1:], np.array(sharpes))
    except ValidationError:
        return {}
    return {"probability": dsr.probability, "benchmark": dsr.benchmark, "trials": float(dsr.trials)}


def _monte_carlo(result: BacktestResult) -> dict[str, float]:
    from tetra.simulation.robustness import bootstrap_returns  # arch, scipy: on first use

    returns = result.equity.pct_change().to_numpy()[1:]
    if len(returns) < 10 or not np.isfinite(returns).any() or not np.nanstd(returns) > 0:
        return {}
    frame = bootstrap_returns(returns, MONTE_CARLO_PATHS, seed=0)
    totals, drawdowns = frame["total_return"], frame["max_drawdown"]
    return {
        "paths": float(MONTE_CARLO_PATHS),
        "total_return_p5": float(totals.quantile(0.05)),
        "total_return_p50": float(totals.quantile(0.5)),
        "total_return_p95": float(totals.quantile(0.95)),
        "max_drawdown_p50": float(drawdowns.quantile(0.5)),
        "max_drawdown_worst_5pct": float(
            drawdowns.quantile(0.05 if drawdowns.mean() <= 0 else 0.95)
        ),
        "probability_of_loss": float((totals < 0).mean()),
    }


def _chart(series: pd.Series) -> list[tuple[str, float]]:
    step = max(1, math.ceil(len(series) / _CHART_POINTS))
    picked = series.iloc[::step]
    if len(series) and picked.index[-1] != series.index[-1]:
        picked = pd.concat([picked, series.iloc[-1:]])
    days = pd.DatetimeIndex(picked.index)
    return [(str(d.date()), float(v)) for d, v in zip(days, picked.to_numpy(), strict=True)]


def caveats(spec: StrategySpec, evidence: Evidence) -> list[str]:
    """Return plain warnings where the evidence is weak or a limit is breached."""
    found = [f"bias guard: {w}" for w in evidence.warnings]
    if evidence.trades < MIN_TRADES:
        found.append(f"few trades ({evidence.trades}): too few to tell skill from luck")
    wf = evidence.walk_forward
    full, oos = evidence.metrics.get("sharpe_ratio", math.nan), wf.get("sharpe_ratio", math.nan)
    if math.isfinite(full) and math.isfinite(oos) and full > 0 and oos < 0.5 * full:
        found.append(f"out-of-sample decay: walk-forward Sharpe {oos:.2f} vs {full:.2f} in full")
    probability = evidence.deflated_sharpe.get("probability", math.nan)
    if math.isfinite(probability) and probability < DSR_CONFIDENCE:
        trials = int(evidence.deflated_sharpe.get("trials", 1))
        found.append(
            f"deflated Sharpe: after {trials} variants tried, the probability that the Sharpe "
            f"is above zero is {probability:.0%} (below {DSR_CONFIDENCE:.0%})"
        )
    return found + _risk_caveats(spec, evidence)


def _risk_caveats(spec: StrategySpec, evidence: Evidence) -> list[str]:
    found = []
    acted = int(evidence.metrics.get("risk_interventions", 0))
    if spec.sizing is not None:
        found.append(
            f"entries were sized by {spec.sizing.method.value} in the backtest, the "
            "candidates and the walk-forward"
        )
    if spec.risk.policy is not None and spec.risk.max_drawdown is None:
        found.append(
            f"the {spec.risk.policy!r} risk policy was enforced during the run ({acted} "
            "interventions)"
        )
    limit, drawdown = spec.risk.max_drawdown, abs(evidence.metrics.get("max_drawdown", 0.0))
    if limit is not None:
        found.append(
            f"the drawdown limit of {limit:.0%} was enforced by the risk layer during the run: "
            f"past it the book only reduces, no new entries ({acted} interventions)"
        )
        if drawdown > limit:
            found.append(
                f"drawdown {drawdown:.1%} still passed the limit: the breaker stops new "
                "exposure but does not sell by itself; positions close on the strategy's exits"
            )
    return found
