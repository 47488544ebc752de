"""Validate a spec and compile it, deterministically, to a strategy object.

`validate_spec` accepts a spec, a mapping or JSON text and returns a `StrategySpec`, or
raises `SpecRejected` listing every reason (pydantic's and the library config's). A library
spec compiles to that library strategy (its symbols, weights and rebalancing passed as its
config expects), wrapped in `ConditionalStrategy` when it has filters; a rule spec compiles to
`RuleBased`, its filters joining the entry rule. External data a condition reads (economic
series, event dates) comes in `SpecInputs`, loaded by the caller: the strategy layer reads
no store: a spec naming a universe group is resolved first (`resolve_universe`, with the
members the caller read from the store).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import Any

import numpy as np
from pydantic import ValidationError

from tetra.core.errors import TetraError
from tetra.market import MarketData
from tetra.risk.sizing_policy import SizingPolicy
from tetra.strategy import conditions as c
from tetra.strategy.base import Strategy
from tetra.strategy.library import STRATEGIES, ConditionalStrategy
from tetra.strategy.spec.model import (
    MAX_SYMBOLS,
    CalendarRule,
    CrossRule,
    EventWindowRule,
    Indicator,
    LibraryName,
    LibraryStrategy,
    MacroRule,
    Rebalance,
    RuleStrategy,
    SeriesRef,
    StrategySpec,
    ThresholdRule,
)
from tetra.strategy.spec.rules import RuleBased, StopLevels

__all__ = [
    "SpecInputs",
    "SpecRejected",
    "compile_spec",
    "rebalance_param",
    "resolve_universe",
    "sizing_policy",
    "validate_spec",
]

_SERIES: dict[Indicator, type[c._OfClose]] = {
    Indicator.SMA: c.Sma,
    Indicator.EMA: c.Ema,
    Indicator.RSI: c.Rsi,
    Indicator.ZSCORE: c.ZScore,
    Indicator.ROC: c.RateOfChange,
}
_LEGS = {LibraryName.PAIR: 2, LibraryName.SWITCH: 2, LibraryName.BUTTERFLY: 3}
_EVERY: dict[Rebalance, int | str] = {
    Rebalance.DAILY: 1,
    Rebalance.WEEKLY: 5,
    Rebalance.MONTHLY: "month_end",
}


class SpecRejected(TetraError):
    """A spec validation refused; `reasons` says why, one line per problem."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("the spec was rejected: " + "; ".join(reasons))
        self.reasons = list(reasons)


@dataclass(frozen=True)
class SpecInputs:
    """Data beyond bars: economic series as (dates, values) by FRED id, and event dates by
    kind ("earnings", "fomc") and symbol ("*" for events of every symbol)."""

    macro: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    events: Mapping[str, Mapping[str, Sequence[date]]] = field(default_factory=dict)


def validate_spec(candidate: StrategySpec | Mapping[str, Any] | str) -> StrategySpec:
    """Return a valid spec whose library parameters its strategy accepts, or raise."""
    try:
        if isinstance(candidate, str):
            spec = StrategySpec.model_validate(json.loads(candidate))
        elif isinstance(candidate, StrategySpec):
            spec = candidate
        else:
            spec = StrategySpec.model_validate(candidate)
    except json.JSONDecodeError as error:
        raise SpecRejected([f"not JSON: {error.msg}"]) from error
    except ValidationError as error:
        raise SpecRejected(_reasons(error)) from error
    if isinstance(spec.strategy, LibraryStrategy) and spec.symbols:
        library_config(spec)  # a universe spec's is checked once it is resolved
    sizing_policy(spec)
    return spec


def sizing_policy(spec: StrategySpec) -> SizingPolicy | None:
    """Return the risk layer's sizing policy for the spec's `sizing`, or raise `SpecRejected`."""
    if spec.sizing is None:
        return None
    try:
        return SizingPolicy.model_validate(spec.sizing.model_dump())
    except ValidationError as error:
        raise SpecRejected([f"sizing.{r}" for r in _reasons(error)]) from error


def _reasons(error: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'spec'}: {e['msg']}" for e in error.errors()][
        :12
    ]


def library_config(spec: StrategySpec) -> Any:
    """Return the library strategy's validated config for `spec`, or raise `SpecRejected`."""
    assert isinstance(spec.strategy, LibraryStrategy)
    name = spec.strategy.name
    params: dict[str, Any] = dict(spec.strategy.params)
    for reserved in ("symbols", "weights", "rebalance"):
        if reserved in params:
            raise SpecRejected([f"params.{reserved}: set by the spec's {reserved}, not a param"])
    legs = _LEGS.get(name)
    if legs is not None:
        if len(spec.symbols) != legs:
            raise SpecRejected(
                [f"symbols: {name.value} trades {legs} symbols, not {len(spec.symbols)}"]
            )
        params["symbols"] = spec.symbols
    if name is LibraryName.BUY_AND_HOLD and spec.weights is not None:
        params["weights"] = dict(spec.weights)
    if spec.rebalance is not None:
        params["rebalance"] = rebalance_param(spec.rebalance)
    try:
        return STRATEGIES[name.value].Config(**params)
    except ValidationError as error:
        raise SpecRejected([f"params.{r}" for r in _reasons(error)]) from error


def rebalance_param(every: Rebalance | int) -> int | str:
    """Return a spec's rebalancing as the library configs take it (bars, or "month_end")."""
    return _EVERY[every] if isinstance(every, Rebalance) else every


def resolve_universe(spec: StrategySpec, members: Mapping[str, Sequence[str]]) -> StrategySpec:
    """Return `spec` trading its universe group's members (sorted), or `spec` itself when it
    names no group; `members` maps every group and theme the store knows to its symbols.
    Raise `SpecRejected` for a name the store does not know or a group too large to trade."""
    if spec.universe is None:
        return spec
    group = spec.universe.group
    if group not in members:
        known = ", ".join(sorted(members)) or "none"
        raise SpecRejected([f"universe.group: the store knows no group {group!r} (known: {known})"])
    symbols = tuple(sorted(set(members[group])))
    if not symbols or len(symbols) > MAX_SYMBOLS:
        count = len(symbols)
        raise SpecRejected(
            [f"universe.group: {group} has {count} symbols; a spec trades 1 to {MAX_SYMBOLS}"]
        )
    return validate_spec({**spec.model_dump(mode="json"), "symbols": list(symbols)})


def compile_spec(spec: StrategySpec, inputs: SpecInputs | None = None) -> Strategy:  # type: ignore[type-arg]
    """Return the strategy `spec` describes; the same spec always compiles the same way."""
    if not spec.symbols:
        raise SpecRejected(["universe: resolve the spec's universe group before compiling"])
    inputs = inputs or SpecInputs()
    filters = [condition(rule, spec, inputs) for rule in spec.filters]
    if isinstance(spec.strategy, LibraryStrategy):
        strategy = STRATEGIES[spec.strategy.name.value](library_config(spec))
        return ConditionalStrategy(strategy, _all(filters)) if filters else strategy
    rules: RuleStrategy = spec.strategy
    entry = _all([condition(rule, spec, inputs) for rule in rules.entry] + filters)
    exits = [condition(rule, spec, inputs) for rule in rules.exit]
    stop = StopLevels(**rules.stop.model_dump()) if rules.stop else None
    side = 1 if rules.side == "long" else -1
    exit_rule = reduce(c.Or, exits) if exits else None
    return RuleBased(entry, exit_rule, side=side, weight=spec.weight, stop=stop)


def _all(conditions: list[c.Condition]) -> c.Condition:
    return reduce(c.And, conditions)


def series(ref: SeriesRef) -> c.Series:
    if ref.indicator is Indicator.CLOSE:
        return c.Close(ref.symbol)
    assert ref.period is not None
    return _SERIES[ref.indicator](ref.period, ref.symbol)


def _operand(value: float | SeriesRef | None) -> c.Operand | None:
    return series(value) if isinstance(value, SeriesRef) else value


def condition(rule: Any, spec: StrategySpec, inputs: SpecInputs) -> c.Condition:
    """Return the timing condition a spec rule describes."""
    if isinstance(rule, ThresholdRule):
        return c.Threshold(series(rule.series), _operand(rule.below), _operand(rule.above))
    if isinstance(rule, CrossRule):
        cross = c.CrossAbove if rule.direction == "above" else c.CrossBelow
        other = _operand(rule.other)
        assert other is not None
        return cross(series(rule.series), other)
    if isinstance(rule, CalendarRule):
        return c.MonthEnd() if rule.rule == "month_end" else c.DayOfWeek(*rule.weekdays)
    if isinstance(rule, EventWindowRule):
        return c.NotNearEvents(_event_dates(rule, spec, inputs), rule.days)
    assert isinstance(rule, MacroRule)
    dates, values = inputs.macro.get(
        rule.series.value, (np.array([], "datetime64[D]"), np.array([]))
    )
    return MacroThreshold(rule.series.value, dates, values, rule.below, rule.above)


def _event_dates(
    rule: EventWindowRule, spec: StrategySpec, inputs: SpecInputs
) -> dict[str, Sequence[date]]:
    known = inputs.events.get(rule.events, {})
    every = list(known.get("*", ()))
    return {s: [*known.get(s, ()), *every] for s in spec.referenced_symbols()}


@dataclass(frozen=True, eq=False)
class MacroThreshold(c.Condition):
    """An economic series' last value before each bar's day, below and/or above levels.

    Observations are stamped with their day; the bar of day d sees the last one stamped
    before d. Days before the first observation, or a series not loaded, are False.
    """

    name: str
    dates: np.ndarray
    values: np.ndarray
    below: float | None = None
    above: float | None = None

    def evaluate(self, market: MarketData) -> np.ndarray:
        days = np.asarray(self.dates, dtype="datetime64[D]")
        order = np.argsort(days, kind="stable")
        days, values = days[order], np.asarray(self.values, dtype=float)[order]
        index = np.searchsorted(days, market.dates.astype("datetime64[D]"), side="left") - 1
        known = np.where(
            index >= 0, values[np.clip(index, 0, None)] if len(values) else np.nan, np.nan
        )
        result = np.isfinite(known)
        with np.errstate(invalid="ignore"):
            if self.below is not None:
                result &= known < self.below
            if self.above is not None:
                result &= known > self.above
        return np.array(np.broadcast_to(result[:, None], market.shape), dtype=bool)

    def describe(self) -> str:
        parts = [self.name]
        if self.above is not None:
            parts.append(f"> {self.above:g}")
        if self.below is not None:
            parts.append(f"< {self.below:g}")
        return " ".join(parts)
