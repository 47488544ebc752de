"""Modifiers any idea or refinement may carry: stops, filters, costs, limits, risk policy,
rebalancing, weight, window.

`extract_modifiers(text)` finds each modifier phrase, removes it from the text (so that
its numbers and tickers do not confuse the strategy shapes) and returns the rest with the
changes to apply; `apply_modifiers` applies them to a draft spec (a dict).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tetra.strategy.spec import phrases as p

__all__ = ["Change", "apply_modifiers", "extract_modifiers"]

Draft = dict[str, Any]
Change = Callable[[Draft, list[str]], None]
_N = r"(\d+(?:\.\d+)?)"
_LEAD = r"(?:[,;]\s*)?(?:\b(?:but|and|with|plus|add|then)\s+)?"
_CONVERTIBLE = ("rsi_reversion", "sma_crossover")


def _stop(atr: float | None, percent: float | None, atr_period: int = 14) -> Change:
    def change(draft: Draft, notes: list[str]) -> None:
        _as_rules(draft)
        if atr is not None:
            draft["strategy"]["stop"] = {"atr": atr, "atr_period": atr_period}
        else:
            draft["strategy"]["stop"] = {"percent": percent}

    return change


def _as_rules(draft: Draft) -> None:
    """Turn a library RSI reversion or crossover into rules, so it can carry a stop."""
    strategy = draft["strategy"]
    if strategy["kind"] == "rules":
        return
    name, params = strategy["name"], strategy.get("params", {})
    if name not in _CONVERTIBLE:
        raise p.IdeaNotUnderstood(
            f"a stop applies to rule strategies (and RSI or crossover ideas); {name} has its "
            "own exits"
        )
    if name == "rsi_reversion":
        rsi = {"indicator": "rsi", "period": params.get("period", 14)}
        entry = {"kind": "threshold", "series": rsi, "below": params.get("lower", 30.0)}
        exits = {"kind": "threshold", "series": rsi, "above": params.get("upper", 70.0)}
    else:
        kind = params.get("average", "sma")
        fast = {"indicator": kind, "period": params.get("fast", 20)}
        slow = {"indicator": kind, "period": params.get("slow", 50)}
        entry = {"kind": "cross", "series": fast, "direction": "above", "other": slow}
        exits = {"kind": "cross", "series": fast, "direction": "below", "other": slow}
    draft["strategy"] = {"kind": "rules", "side": "long", "entry": [entry], "exit": [exits]}


def _filter(rule: dict[str, Any]) -> Change:
    def change(draft: Draft, notes: list[str]) -> None:
        draft["filters"] = [
            f
            for f in draft.get("filters", [])
            if f["kind"] != rule["kind"] or f.get("series") != rule.get("series")
        ] + [rule]

    return change


def _set(key: str, value: Any, sub: str | None = None) -> Change:
    def change(draft: Draft, notes: list[str]) -> None:
        if sub is None:
            draft[key] = value
        else:
            draft[key] = {**draft.get(key, {}), sub: value}

    return change


_STOP = r"(?:trailing )?stop(?:[- ]loss)?"
_BPS = r"(?:bps|bp|basis points?)"
_DAY = r"(?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?)"
_WHEN = rf"{_DAY}(?: (?:and|or) {_DAY})*|month[- ]ends?|the end of (?:the |each )?month"
_AVOID = r"avoid(?:ing)?|skip(?:ping)?|stay(?:ing)? out|not within|outside|away from|no new"


def _vix(m: re.Match[str]) -> Change:
    rule = p.vix_rule(f"vix {m.group(1)} {m.group(2)}")
    assert rule is not None
    return _filter(rule.model_dump(mode="json"))


def _events(m: re.Match[str]) -> Change:
    days = re.search(r"(\d+)\s*(?:business |trading )?days?", m.group(0))
    kind = "earnings" if m.group(1) == "earnings" else "fomc"
    return _filter(
        {"kind": "avoid_events", "events": kind, "days": int(days.group(1)) if days else 2}
    )


def _calendar(m: re.Match[str]) -> Change:
    rule = p.calendar_rule(m.group(1))
    assert rule is not None
    return _filter(rule.model_dump(mode="json"))


_EVERY = (
    r"(?:it )?(daily|weekly|monthly|every (day|week|month)|each (month|week)"
    r"|every (\d+) (?:trading )?days)"
)
_PERIODS = {"day": "daily", "week": "weekly", "month": "monthly"}
_METHODS = {"inver": "inverse_volatility", "risk ": "risk_parity", "risk-": "risk_parity",
            "equal": "equal_weight"}  # fmt: skip


def _every(m: re.Match[str]) -> str | int:
    """Return the rebalancing a phrase asks for: daily, weekly, monthly or every N days."""
    word, unit, each, days = m.groups()
    if days is not None:
        return int(days)
    return _PERIODS[unit or each] if (unit or each) else word.lower()


def _first(m: re.Match[str]) -> float:
    return float(next(g for g in m.groups() if g is not None))


_PATTERNS: tuple[tuple[str, Callable[[re.Match[str]], Change]], ...] = (
    (
        rf"{_LEAD}(?:an? )?{_STOP} (?:at |of )?{_N} ?(?:x ?)?atrs?(?: ?\((\d+)\))?",
        lambda m: _stop(float(m.group(1)), None, int(m.group(2) or 14)),
    ),
    (rf"{_LEAD}(?:an? )?{_N} ?(?:x ?)?atr {_STOP}", lambda m: _stop(float(m.group(1)), None)),
    (rf"{_LEAD}(?:an? )?{_N}% {_STOP}", lambda m: _stop(None, float(m.group(1)))),
    (rf"{_LEAD}(?:an? )?{_STOP} (?:at |of )?{_N}%", lambda m: _stop(None, float(m.group(1)))),
    (
        rf"{_LEAD}(?:only )?(?:when|if|while) (?:the )?vix (?:is |stays |closes )?"
        rf"(below|under|above|over|<|>) {_N}",
        _vix,
    ),
    (rf"{_LEAD}(?:{_AVOID})[^,;.]*?(earnings|fomc|fed meetings?)", _events),
    (rf"{_LEAD}(?:but )?only (?:on|at) ({_WHEN})", _calendar),
    (
        rf"{_LEAD}(?:no|without|zero) (?:trading )?costs",
        lambda m: _set("costs", {"commission_bps": 0.0, "slippage_bps": 0.0}),
    ),
    (
        rf"{_LEAD}{_N} ?{_BPS} (?:of )?slippage|slippage (?:of )?{_N} ?{_BPS}",
        lambda m: _set("costs", _first(m), "slippage_bps"),
    ),
    (
        rf"{_LEAD}{_N} ?{_BPS} (?:of )?(?:commissions?|fees?|costs?)"
        rf"|(?:commissions?|fees?|costs?) (?:of )?{_N} ?{_BPS}",
        lambda m: _set("costs", _first(m), "commission_bps"),
    ),
    (
        rf"{_LEAD}(?:a )?(?:max(?:imum)? )?drawdown (?:limit |cap )?(?:of |at |below |under )?{_N}%"
        rf"|{_N}% (?:max(?:imum)? )?drawdown(?: limit| cap)?",
        lambda m: _set("risk", _first(m) / 100, "max_drawdown"),
    ),
    (
        rf"{_LEAD}(?:under |using |within )?(?:the |tetra's )?([a-z][a-z0-9_-]{{0,39}}) risk "
        r"(?:limits|policy|rules)",
        lambda m: _set("risk", m.group(1).lower().replace("-", "_"), "policy"),
    ),
    (rf"{_LEAD}rebalanc(?:e|ed|ing) {_EVERY}", lambda m: _set("rebalance", _every(m))),
    (
        rf"{_LEAD}(?:sized?|sizing|weighted) (?:by|with|using) (?:an? )?"
        r"(inverse[- ]volatility|risk[- ]parity|equal[- ]weights?)",
        lambda m: _set("sizing", {"method": _METHODS[m.group(1)[:5]]}),
    ),
    (
        rf"{_LEAD}(?:sized? (?:by|with|to) )?(?:an? )?{_N}% (?:annual(?:ised|ized)? )?"
        r"volatility target|volatility target(?:ing)? (?:of |at )?{_N}%",
        lambda m: _set("sizing", {"method": "volatility_target", "target": _first(m) / 100}),
    ),
    (
        rf"{_LEAD}{_N}% (?:per position|each|of equity|of the account|of capital)",
        lambda m: _set("weight", float(m.group(1)) / 100),
    ),
    (
        rf"{_LEAD}(?:backtest(?:ed)? |test(?:ed)? )?(?:over|for|on) (?:the )?(?:last |past )?"
        r"(\d+) years?(?: of data)?",
        lambda m: _set("years", int(m.group(1))),
    ),
)

_REGIME = re.compile(
    rf"{_LEAD}(?:but )?(?:only (?:when|if|while)|as long as|provided(?: that)?) "
    r"([A-Za-z]{1,5}(?:\.[A-Za-z])?) "
    r"(?:is |closes |trades |stays )?(above|over|below|under) (?:its |the )?"
    r"(\d+)[- ]?(day|week|month)s? "
    r"(?:sma|ema|moving average|simple moving average|average|ma)",
    re.IGNORECASE,
)


def extract_modifiers(text: str) -> tuple[str, list[Change]]:
    """Return `text` without its modifier phrases, and the changes they ask for."""
    changes: list[Change] = []
    match = _REGIME.search(text)
    if match and match.group(1).isupper():
        changes.append(_regime(match))
        text = text[: match.start()] + " " + text[match.end() :]
    for pattern, build in _PATTERNS:
        while (found := re.search(pattern, text, re.IGNORECASE)) is not None:
            lowered = re.fullmatch(pattern, found.group(0).lower())
            changes.append(build(lowered or found))
            text = text[: found.start()] + " " + text[found.end() :]
    return text, changes


def _regime(match: re.Match[str]) -> Change:
    symbol = match.group(1)
    average = "ema" if "ema" in match.group(0).lower() else "sma"
    ref = {
        "indicator": average,
        "period": p.bars(match.group(3), match.group(4).lower()),
        "symbol": symbol,
    }
    close = {"indicator": "close", "symbol": symbol}
    side = "above" if match.group(2).lower() in ("above", "over") else "below"
    return _filter({"kind": "threshold", "series": close, side: ref})


def apply_modifiers(draft: Draft, changes: list[Change], notes: list[str]) -> bool:
    """Apply `changes` to `draft`; return whether there were any."""
    for change in changes:
        change(draft, notes)
    return bool(changes)
