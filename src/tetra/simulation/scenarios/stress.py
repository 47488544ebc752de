"""Scenarios applied to a portfolio: replayed from the store when it can, else factor shocks.

For each scenario `stress_portfolio` decides the method:
- **replay** when the scenario is historical and the store holds every holding (and the
  proxy) over the whole window: each holding's return is its own total-return close at
  the window's end over its close at the start; the portfolio's value path (holdings
  bought at the start's close, never rebalanced) gives its maximum drawdown; the proxy's
  drawdown is that of its split-adjusted closes (comparable with index tables);
- **factor** otherwise (hypothetical scenarios, windows before the store's history):
  betas to the scenario's proxies over the `beta_years` before the store's last date,
  times the shock (`tetra.simulation.scenarios.factors`).
Every outcome says which method it used and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tetra.core.errors import ValidationError
from tetra.data.ports import CoverageRow, Store
from tetra.market import Adjustment, MarketData, load_market
from tetra.simulation.bar_edits import forward_filled
from tetra.simulation.scenarios.catalog import Scenario
from tetra.simulation.scenarios.factors import estimate_betas

REPLAY, FACTOR = "replay", "factor"


@dataclass(frozen=True, slots=True)
class HoldingOutcome:
    """One holding under one scenario."""

    symbol: str
    weight: float
    scenario_return: float
    pnl: float
    betas: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """A portfolio under one scenario: the method, the totals and each holding."""

    scenario: Scenario
    method: str
    why: str
    portfolio_return: float
    pnl: float
    max_drawdown: float
    holdings: tuple[HoldingOutcome, ...]
    proxy_drawdown: float | None = None
    window: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class Portfolio:
    """Weights by symbol (fractions of `value`; the rest is cash) and the money at stake."""

    weights: Mapping[str, float]
    value: float = 1_000_000.0

    def __post_init__(self) -> None:
        if not self.weights:
            raise ValidationError("a portfolio needs at least one holding")
        if sum(abs(w) for w in self.weights.values()) > 1.0 + 1e-9:
            raise ValidationError("portfolio weights add up to more than 1 in absolute value")
        if self.value <= 0:
            raise ValidationError("the portfolio's value must be positive")

    @property
    def symbols(self) -> list[str]:
        return sorted(self.weights)


def stress_portfolio(
    store: Store,
    portfolio: Portfolio,
    scenarios: Sequence[Scenario],
    *,
    as_of: dt.date,
    beta_years: int = 3,
) -> list[ScenarioOutcome]:
    """Apply each scenario to `portfolio` (see the module docstring)."""
    outcomes = []
    for scenario in scenarios:
        reason = replay_problem(store, portfolio.symbols, scenario)
        if reason is None:
            outcomes.append(replay(store, portfolio, scenario))
        else:
            start = as_of.replace(year=as_of.year - beta_years)
            outcomes.append(factor_shock(store, portfolio, scenario, start, as_of, reason))
    return outcomes


def replay_problem(store: Store, symbols: list[str], scenario: Scenario) -> str | None:
    """Return why the store cannot replay `scenario` for `symbols`, or None if it can."""
    if scenario.start is None or scenario.end is None or scenario.proxy is None:
        return "hypothetical scenario"
    needed = sorted({*symbols, scenario.proxy})
    spans = {row.symbol: (row.first, row.last) for row in _coverage(store, needed)}
    short = [s for s in needed if s not in spans or not _covers(spans[s], scenario)]
    if short:
        return f"the store does not hold {', '.join(short)} over {scenario.describe_window()}"
    return None


def replay(store: Store, portfolio: Portfolio, scenario: Scenario) -> ScenarioOutcome:
    """Replay the scenario's window from the store (the store must hold it)."""
    proxy_symbol = scenario.proxy or "SPY"
    market = _window(store, portfolio.symbols, scenario, Adjustment.TOTAL_RETURN)
    close = forward_filled(market.close)
    growth = close / close[0]
    weights = np.array([portfolio.weights[s] for s in market.symbols])
    path = 1.0 - weights.sum() + growth @ weights
    returns = growth[-1] - 1.0
    proxy = _window(store, [proxy_symbol], scenario, Adjustment.SPLIT_ADJUSTED)
    holdings = tuple(
        HoldingOutcome(s, float(w), float(r), float(portfolio.value * w * r))
        for s, w, r in zip(market.symbols, weights, returns, strict=True)
    )
    total = float(path[-1] - 1.0)
    return ScenarioOutcome(
        scenario,
        REPLAY,
        f"the store holds the window {scenario.describe_window()}",
        total,
        total * portfolio.value,
        max_drawdown(path),
        holdings,
        proxy_drawdown=max_drawdown(forward_filled(proxy.close)[:, 0]),
        window=(_day(market.dates[0]), _day(market.dates[-1])),
    )


def factor_shock(
    store: Store,
    portfolio: Portfolio,
    scenario: Scenario,
    start: dt.date,
    end: dt.date,
    why: str,
) -> ScenarioOutcome:
    """Carry the scenario's shock through betas estimated over [start, end]."""
    proxies = [p for p, _ in scenario.shock]
    symbols = sorted({*portfolio.symbols, *proxies})
    market = load_market(store, symbols, start, end, adjustment=Adjustment.TOTAL_RETURN)
    betas = estimate_betas(market, portfolio.symbols, proxies)
    returns = betas.shocked(scenario.shocks)
    holdings = tuple(
        HoldingOutcome(s, w, float(r), portfolio.value * w * float(r), betas.of(s))
        for s, r in zip(betas.holdings, returns, strict=True)
        for w in [portfolio.weights[s]]
    )
    total = float(sum(h.weight * h.scenario_return for h in holdings))
    return ScenarioOutcome(
        scenario, FACTOR, why, total, total * portfolio.value, min(total, 0.0), holdings
    )


def max_drawdown(path: np.ndarray) -> float:
    """Return the largest fall from a running peak of `path` (0 or negative)."""
    return float((path / np.maximum.accumulate(path) - 1.0).min())


def _window(
    store: Store, symbols: list[str], scenario: Scenario, adjustment: Adjustment
) -> MarketData:
    start, end = scenario.dates
    return load_market(store, symbols, start, end, adjustment=adjustment)


def _coverage(store: Store, symbols: list[str]) -> list[CoverageRow]:
    return [row for row in store.coverage("market_data.ohlcv") if row.symbol in symbols]


def _covers(span: tuple[dt.date | dt.datetime, dt.date | dt.datetime], scenario: Scenario) -> bool:
    first, last = (_as_date(v) for v in span)
    start, end = scenario.dates
    return first <= start and last >= end


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _day(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])
