"""One risk report of a book: exposures, VaR, correlation, contributions, limits, scenarios.

`risk_report(book, history, policy)` takes plain arrays (closes of the symbols over time),
so any front end can feed it: a backtest's final book, a stored run, holdings typed into
the web page. The book's return series is the *current* weights applied to the last
`lookback` bars of history (historical simulation of today's book). Limits are measured
with `LimitEvaluator` and the trading state folded bar by bar over the equity path the
caller gives, or, failing one, over the current book replayed on history (the report says
which). VaR comes by three analytic methods always, and by Monte Carlo and under named
scenarios when the caller plugs in the simulator (`MonteCarlo`, a `ScenarioStress`): risk
sits below the simulator, so the composition roots inject it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np

from tetra.core.errors import TetraError, ValidationError
from tetra.data.universe import Universe
from tetra.risk.contributions import RiskContributions, VolatilityCheck, risk_contributions
from tetra.risk.contributions import realised_vs_target as compare_volatility
from tetra.risk.dependence import (
    Clusters,
    betas,
    cluster_holdings,
    correlation_matrix,
    pairwise_covariance,
    returns_from_closes,
)
from tetra.risk.exposure import Book, Exposure, exposures
from tetra.risk.limits import LimitCheck, LimitEvaluator, LimitReading
from tetra.risk.policy import RiskPolicy, packaged_universe
from tetra.risk.scenarios import MonteCarlo, MonteCarloVar, ScenarioLoss, ScenarioStress
from tetra.risk.state import RiskState, Transition, advance
from tetra.risk.var import RiskEstimate, all_methods
from tetra.risk.vocabulary import LimitKind, TradingState


@dataclass(frozen=True)
class History:
    """Daily closes of symbols: `close` (T, N) on `dates` (datetime64[D]); NaN = no bar."""

    dates: np.ndarray
    symbols: tuple[str, ...]
    close: np.ndarray

    def __post_init__(self) -> None:
        if self.close.shape != (len(self.dates), len(self.symbols)):
            raise ValidationError(f"close has shape {self.close.shape}, not (dates, symbols)")

    def columns(self, symbols: tuple[str, ...]) -> np.ndarray:
        """Return the closes of `symbols`, in that order; raise if one is missing."""
        missing = [s for s in symbols if s not in self.symbols]
        if missing:
            raise ValidationError(f"no price history for {', '.join(missing)}")
        return self.close[:, [self.symbols.index(s) for s in symbols]]


@dataclass(frozen=True)
class ReportSettings:
    """Confidence and horizon of VaR, windows, benchmark and volatility target."""

    confidence: float = 0.95
    horizon: int = 1
    lookback: int = 504
    correlation_window: int = 126
    benchmark: str = "SPY"
    target_volatility: float | None = None
    cluster_distance: float = 0.5


@dataclass(frozen=True)
class HoldingRisk:
    """One holding's weight and what it does to the book's risk."""

    symbol: str
    weight: float
    value: float
    volatility: float
    beta: float
    marginal: float
    component: float
    share: float
    cluster: int


@dataclass(frozen=True)
class RiskReport:
    """Everything `risk_report` measured (see the module docstring)."""

    as_of: np.datetime64
    equity: float
    gross: float
    net: float
    holdings: tuple[HoldingRisk, ...]
    exposures: tuple[Exposure, ...]
    estimates: tuple[RiskEstimate, ...]
    correlation: np.ndarray
    clusters: Clusters
    contributions: RiskContributions
    volatility: VolatilityCheck | None
    limit_usage: tuple[LimitReading, ...] = ()
    limit_check: LimitCheck | None = None
    state: TradingState = TradingState.ACTIVE
    transitions: tuple[Transition, ...] = ()
    notes: tuple[str, ...] = field(default=())
    monte_carlo: MonteCarloVar | None = None
    scenarios: tuple[ScenarioLoss, ...] = ()


def risk_report(
    book: Book,
    history: History,
    policy: RiskPolicy | None = None,
    settings: ReportSettings | None = None,
    *,
    equity_curve: np.ndarray | None = None,
    universe: Universe | None = None,
    monte_carlo: MonteCarlo | None = None,
    stress: ScenarioStress | None = None,
) -> RiskReport:
    """Measure `book` against `history` (and `policy`, if any); see the module docstring."""
    chosen = settings or ReportSettings()
    held = book.held()
    if not held.symbols:
        raise ValidationError("the book holds nothing: there is no risk to report")
    every = returns_from_closes(history.columns(held.symbols))
    traded = np.isfinite(every).any(axis=1)  # drop days no holding traded (weekends)
    returns, dates = every[traded][-chosen.lookback :], history.dates[traded][-chosen.lookback :]
    weights = held.weights
    book_returns = np.nan_to_num(returns) @ weights
    covariance = pairwise_covariance(returns) * 252
    contributions = risk_contributions(weights, covariance)
    correlation = correlation_matrix(returns[-chosen.correlation_window :], min_periods=20)
    clusters = cluster_holdings(correlation, held.symbols, max_distance=chosen.cluster_distance)
    notes: list[str] = []
    holdings = _holdings(held, returns, covariance, contributions, clusters,
                         _benchmark(history, chosen, traded, notes))  # fmt: skip
    report = RiskReport(
        as_of=history.dates[-1],
        equity=held.equity,
        gross=float(np.abs(weights).sum()),
        net=float(weights.sum()),
        holdings=holdings,
        exposures=tuple(exposures(held, universe)),
        estimates=all_methods(book_returns, confidence=chosen.confidence, horizon=chosen.horizon),
        correlation=correlation,
        clusters=clusters,
        contributions=contributions,
        volatility=_volatility(book_returns, chosen),
        monte_carlo=_monte_carlo(monte_carlo, returns, weights, chosen, notes),
        scenarios=_scenarios(stress, held, history.dates[-1]),
        notes=tuple(notes),
    )
    if policy is None:
        return report
    replay = (dates, returns, book_returns)
    return _with_limits(report, held, history, policy, replay, equity_curve, universe)


def _holdings(
    book: Book,
    returns: np.ndarray,
    covariance: np.ndarray,
    contributions: RiskContributions,
    clusters: Clusters,
    benchmark: np.ndarray | None,
) -> tuple[HoldingRisk, ...]:
    vols = np.sqrt(np.diag(covariance))
    beta = (
        betas(returns, benchmark) if benchmark is not None else np.full(len(book.symbols), np.nan)
    )
    shares = contributions.share
    return tuple(
        HoldingRisk(
            symbol,
            float(book.weights[i]),
            float(book.values[i]),
            float(vols[i]),
            float(beta[i]),
            float(contributions.marginal[i]),
            float(contributions.component[i]),
            float(shares[i]),
            int(clusters.labels[i]),
        )
        for i, symbol in enumerate(book.symbols)
    )


def _benchmark(
    history: History, settings: ReportSettings, rows: np.ndarray, notes: list[str]
) -> np.ndarray | None:
    """Return the benchmark's returns on the report's rows (`rows` masks the history)."""
    if settings.benchmark not in history.symbols:
        notes.append(f"no history for the benchmark {settings.benchmark}: betas not shown")
        return None
    closes = history.columns((settings.benchmark,))
    benchmark: np.ndarray = returns_from_closes(closes)[rows][-settings.lookback :, 0]
    return benchmark


def _monte_carlo(
    monte_carlo: MonteCarlo | None,
    returns: np.ndarray,
    weights: np.ndarray,
    settings: ReportSettings,
    notes: list[str],
) -> MonteCarloVar | None:
    """Return the Monte Carlo VaR of the book, or None (with a note saying why) if it fails."""
    if monte_carlo is None:
        return None
    try:
        return monte_carlo.var(
            returns, weights, confidence=settings.confidence, horizon=settings.horizon
        )
    except (TetraError, ValueError) as error:
        notes.append(f"{monte_carlo.describe()} not shown: {error}")
        return None


def _scenarios(
    stress: ScenarioStress | None, book: Book, as_of: np.datetime64
) -> tuple[ScenarioLoss, ...]:
    if stress is None:
        return ()
    weights = {s: float(w) for s, w in zip(book.symbols, book.weights, strict=True)}
    day = dt.date.fromisoformat(str(as_of)[:10])
    return tuple(stress.losses(weights, book.equity, day))


def _volatility(book_returns: np.ndarray, settings: ReportSettings) -> VolatilityCheck | None:
    if settings.target_volatility is None:
        return None
    return compare_volatility(book_returns, settings.target_volatility, window=63)


def _with_limits(
    report: RiskReport,
    book: Book,
    history: History,
    policy: RiskPolicy,
    replay: tuple[np.ndarray, np.ndarray, np.ndarray],
    equity_curve: np.ndarray | None,
    universe: Universe | None,
) -> RiskReport:
    evaluator = LimitEvaluator(policy, book.symbols, universe or packaged_universe())
    notes = list(report.notes)
    if equity_curve is None:
        dates, returns, book_returns = replay
        equity_curve = book.equity * np.cumprod(1.0 + book_returns)
        notes.append("loss limits measured on the current book replayed over its history")
    else:
        dates, returns = history.dates, returns_from_closes(history.columns(book.symbols))
        if equity_curve.shape != (returns.shape[0],):
            raise ValidationError("the equity curve must have one value per history date")
    state, transitions, check = _fold(evaluator, book.weights, equity_curve, returns, dates)
    return replace(
        report,
        notes=tuple(notes),
        limit_usage=(*evaluator.usage_table(book.weights), *_book_wide(check)),
        limit_check=check,
        state=state.state,
        transitions=transitions,
    )


def _book_wide(check: LimitCheck) -> tuple[LimitReading, ...]:
    """Return the set limits measured on the whole book (leverage, correlation, losses)."""
    per_subject = (LimitKind.POSITION_WEIGHT, LimitKind.GROUP_EXPOSURE,
                   LimitKind.THEME_EXPOSURE, LimitKind.ASSET_CLASS_EXPOSURE)  # fmt: skip
    return tuple(r for r in check.readings if r.kind not in per_subject and r.cap is not None)


def _fold(
    evaluator: LimitEvaluator,
    weights: np.ndarray,
    equity: np.ndarray,
    returns: np.ndarray,
    dates: np.ndarray,
) -> tuple[RiskState, tuple[Transition, ...], LimitCheck]:
    """Fold the state machine over the equity path, weights held fixed; rows align."""
    window = max(evaluator.arrays.corr_window, 2)
    state, transitions = RiskState(), list[Transition]()
    check = evaluator.check(weights, equity[:1])
    for t in range(equity.shape[0]):
        check = evaluator.check(weights, equity[: t + 1], returns[max(0, t - window + 1) : t + 1])
        step = advance(evaluator.policy, state, check, at=str(dates[t]))
        state = step.state
        transitions.extend(step.transitions)
    return state, tuple(transitions), check
