"""A spec in plain words, and the difference between two versions of it."""

from __future__ import annotations

import json
from typing import Any

from tetra.strategy.spec.model import (
    CalendarRule,
    CrossRule,
    EventWindowRule,
    LibraryStrategy,
    MacroRule,
    Rebalance,
    SeriesRef,
    StrategySpec,
    ThresholdRule,
)

__all__ = ["describe_spec", "spec_diff"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LIBRARY = {
    "buy_and_hold": "buy and hold",
    "sma_crossover": "moving-average crossover",
    "momentum": "cross-sectional momentum",
    "rsi_reversion": "RSI mean reversion",
    "bollinger_reversion": "Bollinger-band mean reversion",
    "pair": "pair trade on the z-score of the spread",
    "switch": "momentum switch between two instruments",
    "butterfly": "1:-2:1 butterfly on the z-score of the fly",
}


def _series(ref: SeriesRef) -> str:
    of = f" of {ref.symbol}" if ref.symbol else ""
    if ref.period is None:
        return f"the close{of}"
    return f"{ref.indicator.value.upper()}({ref.period}){of}"


def _level(value: float | SeriesRef | None) -> str:
    return _series(value) if isinstance(value, SeriesRef) else f"{value:g}"


def describe_rule(rule: Any) -> str:
    """Return one condition in words."""
    if isinstance(rule, ThresholdRule | MacroRule):
        name = _series(rule.series) if isinstance(rule, ThresholdRule) else rule.series.value
        parts = []
        if rule.above is not None:
            parts.append(f"above {_level(rule.above)}")
        if rule.below is not None:
            parts.append(f"below {_level(rule.below)}")
        return f"{name} is {' and '.join(parts)}"
    if isinstance(rule, CrossRule):
        return f"{_series(rule.series)} crosses {rule.direction} {_level(rule.other)}"
    if isinstance(rule, CalendarRule):
        if rule.rule == "month_end":
            return "it is the last session of the month"
        return "it is " + " or ".join(_WEEKDAYS[d] for d in rule.weekdays)
    assert isinstance(rule, EventWindowRule)
    return f"no {rule.events} event is within {rule.days} business days"


def describe_spec(spec: StrategySpec) -> list[str]:
    """Return the spec as a few plain sentences."""
    symbols = _traded(spec)
    lines = []
    strategy = spec.strategy
    if isinstance(strategy, LibraryStrategy):
        params = ", ".join(f"{k} {v}" for k, v in sorted(strategy.params.items()))
        lines.append(
            f"{_LIBRARY[strategy.name.value].capitalize()} on {symbols}"
            + (f" ({params})." if params else " (default parameters).")
        )
    else:
        verb = "Buy" if strategy.side == "long" else "Sell short"
        lines.append(
            f"{verb} {symbols} when " + " and ".join(map(describe_rule, strategy.entry)) + "."
        )
        if strategy.exit:
            lines.append("Exit when " + " or ".join(map(describe_rule, strategy.exit)) + ".")
        if strategy.stop is not None:
            stop = strategy.stop
            size = f"{stop.atr:g} ATR({stop.atr_period})" if stop.atr else f"{stop.percent:g}%"
            lines.append(f"Stop out {size} from the entry close.")
    if spec.filters:
        lines.append("Enter only when " + " and ".join(map(describe_rule, spec.filters)) + ".")
    if spec.weights:
        lines.append("Weights: " + ", ".join(f"{s} {w:.0%}" for s, w in spec.weights.items()) + ".")
    elif spec.weight:
        lines.append(f"{spec.weight:.0%} of equity per position.")
    costs = spec.costs
    lines.append(
        f"Costs {costs.commission_bps:g} bp commission + {costs.slippage_bps:g} bp slippage; "
        f"tested over the last {spec.years} years."
    )
    lines.extend(_schedule_and_risk(spec))
    return lines


def _traded(spec: StrategySpec) -> str:
    symbols = ", ".join(spec.symbols)
    if spec.universe is None:
        return symbols
    group = spec.universe.group.replace("_", " ")
    return f"the {group} group ({symbols})" if symbols else f"the {group} group"


def _schedule_and_risk(spec: StrategySpec) -> list[str]:
    lines = []
    if spec.rebalance is not None:
        every = spec.rebalance
        lines.append(
            f"Rebalanced {every.value}." if isinstance(every, Rebalance) else
            f"Rebalanced every {every} trading days."
        )  # fmt: skip
    if spec.sizing is not None:
        shown = spec.sizing.model_dump(exclude_defaults=True, exclude={"method"})
        settings = ", ".join(f"{k} {v:g}" for k, v in shown.items())
        lines.append(f"Entries sized by {spec.sizing.method.value.replace('_', ' ')}"
                     + (f" ({settings})." if settings else "."))  # fmt: skip
    if spec.risk.policy is not None:
        named = "Tetra's default" if spec.risk.policy == "default" else f"the {spec.risk.policy!r}"
        lines.append(f"Run under {named} risk policy.")
    if spec.risk.max_drawdown is not None:
        lines.append(f"Drawdown limit {spec.risk.max_drawdown:.0%} from the equity peak.")
    return lines


def spec_diff(before: StrategySpec | None, after: StrategySpec) -> list[str]:
    """Return what changed from `before` to `after`, one line per changed field path."""
    if before is None:
        return []
    old, new = _flat(before.model_dump(mode="json")), _flat(after.model_dump(mode="json"))
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            lines.append(f"{key}: {_show(old.get(key))} -> {_show(new.get(key))}")
    return lines


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flat(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _show(value: Any) -> str:
    return "(none)" if value is None else json.dumps(value, sort_keys=True)
