"""Refinements: a turn that changes the previous spec rather than describing a new one.

What each phrase does (written down because the issue leaves it open):
- "less turnover" / "trade less" / "fewer trades": widen what must happen before a trade:
  RSI levels 5 points further out (rules and RSI reversion), averages and z-score windows
  twice as long, switch holding time doubled, momentum rebalanced a third as
  often (monthly becomes every 63 bars), pair and fly entries 0.5 z further out, Bollinger bands
  0.5 deviations wider;
- "more trades" / "trade more": the opposite, within bounds;
- "remove the stop", "remove the filters" / "no filter";
- "use X instead" / "replace X with Y" / "on X instead": new symbols; "also trade X": add;
- "short" / "long instead": the rule strategy's side; "RSI below N" / "above N": new RSI levels.
Modifiers (stops, filters, costs, limits) are applied after, by `modifiers.py`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from tetra.strategy.spec import phrases as p
from tetra.strategy.spec.model import MAX_PERIOD, StrategySpec

__all__ = ["refine"]

Draft = dict[str, Any]


def refine(previous: StrategySpec, phrase: str, symbols: list[str], notes: list[str]) -> Draft:
    """Return a draft of `previous` changed as `phrase` asks; `notes` say what changed."""
    draft: Draft = copy.deepcopy(previous.model_dump(mode="json"))
    if re.search(
        r"less turnover|lower turnover|trade less|fewer trades|less trading|less often|slower",
        phrase,
    ):
        _turnover(draft, slower=True, notes=notes)
    elif re.search(r"more trades|trade more|more often|more active|faster", phrase):
        _turnover(draft, slower=False, notes=notes)
    if (
        re.search(r"(remove|drop|no|without)( the| a)? stop", phrase)
        and draft["strategy"]["kind"] == "rules"
    ):
        draft["strategy"]["stop"] = None
        notes.append("stop removed")
    if re.search(
        r"(remove|drop|no|without)( the| any| all)? (vix |regime |event |earnings )?filters?",
        phrase,
    ):
        draft["filters"] = []
        notes.append("filters removed")
    _symbols(draft, phrase, symbols, notes)
    _side_and_levels(draft, phrase, notes)
    return draft


def _symbols(draft: Draft, phrase: str, symbols: list[str], notes: list[str]) -> None:
    if not symbols:
        return
    old = list(draft["symbols"])
    if re.search(r"\b(also|add|as well|too)\b", phrase):
        draft["symbols"] = old + [s for s in symbols if s not in old]
    elif re.search(r"replace|instead", phrase) and len(symbols) == 2 and symbols[0] in old:
        draft["symbols"] = [symbols[1] if s == symbols[0] else s for s in old]
    elif re.search(r"replace|instead|\buse\b|\bon\b|\bswitch to\b|\btry\b", phrase):
        draft["symbols"] = [s for s in symbols if s not in old] or symbols
    else:
        return
    if draft.get("weights"):
        draft["weights"] = None
    notes.append(f"symbols {', '.join(old)} -> {', '.join(draft['symbols'])}")


def _side_and_levels(draft: Draft, phrase: str, notes: list[str]) -> None:
    strategy = draft["strategy"]
    if strategy["kind"] != "rules":
        return
    if re.search(r"\b(go |trade )?short (instead|side)|\bshort it\b", phrase):
        strategy["side"] = "short"
        notes.append("side -> short")
    elif re.search(r"\blong (instead|side|only)\b", phrase):
        strategy["side"] = "long"
        notes.append("side -> long")
    rsi = p.rsi_levels(phrase) if "rsi" in phrase else None
    if rsi is None:
        return
    days, below, above = rsi
    for rule in [*strategy["entry"], *strategy["exit"]]:
        if rule["kind"] == "threshold" and rule["series"]["indicator"] == "rsi":
            rule["series"]["period"] = (
                days if re.search(r"rsi\s*\(?\d", phrase) else rule["series"]["period"]
            )
            if below is not None and rule.get("below") is not None:
                rule["below"] = below
            if above is not None and rule.get("above") is not None:
                rule["above"] = above
    notes.append("RSI levels changed")


def _turnover(draft: Draft, *, slower: bool, notes: list[str]) -> None:
    strategy = draft["strategy"]
    if strategy["kind"] == "rules":
        _rules_turnover(strategy, slower)
    else:
        _library_turnover(strategy, slower, draft)
    notes.append(
        "less turnover: entry and exit set further apart"
        if slower
        else "more trades: entry and exit set closer"
    )


def _scaled(value: int, slower: bool) -> int:
    return max(2, min(MAX_PERIOD, value * 2 if slower else value // 2))


def _rules_turnover(strategy: Draft, slower: bool) -> None:
    step = 5.0 if slower else -5.0
    for rule in [*strategy["entry"], *strategy["exit"]]:
        refs = [rule.get(k) for k in ("series", "other", "below", "above")]
        if rule["kind"] == "threshold" and rule["series"]["indicator"] == "rsi":
            if isinstance(rule.get("below"), float | int):
                rule["below"] = float(max(1.0, min(49.0, rule["below"] - step)))
            if isinstance(rule.get("above"), float | int):
                rule["above"] = float(min(99.0, max(51.0, rule["above"] + step)))
            continue
        for ref in refs:
            if isinstance(ref, dict) and ref.get("period"):
                ref["period"] = _scaled(ref["period"], slower)


_DEFAULTS: dict[str, dict[str, Any]] = {
    "rsi_reversion": {"lower": 30.0, "upper": 70.0},
    "sma_crossover": {"fast": 20, "slow": 50},
    "switch": {"min_hold": 21},
    "momentum": {"rebalance": 21},
    "pair": {"entry_z": 2.0},
    "butterfly": {"entry_z": 2.0},
    "bollinger_reversion": {"deviations": 2.0},
}


_EVERY = {"daily": 1, "weekly": 5, "monthly": "month_end"}


def _library_turnover(strategy: Draft, slower: bool, draft: Draft) -> None:
    name = strategy["name"]
    params = {**_DEFAULTS.get(name, {}), **strategy.get("params", {})}
    if draft.get("rebalance") is not None and name == "momentum":  # validation moves it back
        every = draft.pop("rebalance")
        params["rebalance"] = _EVERY.get(every, every)
    sign = 1 if slower else -1
    if name == "rsi_reversion":
        params["lower"] = float(max(1.0, min(49.0, params["lower"] - 5 * sign)))
        params["upper"] = float(min(99.0, max(51.0, params["upper"] + 5 * sign)))
    elif name == "sma_crossover":
        params["fast"], params["slow"] = (
            _scaled(params["fast"], slower),
            _scaled(params["slow"], slower),
        )
    elif name == "switch":
        params["min_hold"] = _scaled(params["min_hold"], slower)
    elif name == "momentum":
        every = 21 if params["rebalance"] == "month_end" else int(params["rebalance"])
        params["rebalance"] = max(1, every * 3 if slower else every // 2)
    elif name in ("pair", "butterfly"):
        params["entry_z"] = max(0.5, params["entry_z"] + 0.5 * sign)
    elif name == "bollinger_reversion":
        params["deviations"] = max(0.5, params["deviations"] + 0.5 * sign)
    strategy["params"] = params
