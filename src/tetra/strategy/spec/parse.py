"""The offline parser: a strategy idea in plain words to a spec, with no model.

`parse_idea(text, previous)` tries the strategy shapes in order (butterfly, pair, switch,
momentum ranking, buy and hold, Bollinger, crossover, then entry/exit rules), then applies
the modifiers any spec takes (stops, regime and event filters, costs, drawdown limit, risk
policy, rebalancing, weight, window). A universe group or theme named instead of tickers
("the AI infrastructure names", `groups.py`) stands in for them: the shapes see its packaged
members, the spec keeps the group. With a `previous` spec and no new shape in the text,
the text refines the previous spec (`refine.py`). What it cannot place raises
`IdeaNotUnderstood`, which names the shapes it knows. Defaults it assumed come back as notes,
so the user sees them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tetra.strategy.spec import phrases as p
from tetra.strategy.spec.compile import SpecRejected, validate_spec
from tetra.strategy.spec.groups import extract_universe, packaged_members
from tetra.strategy.spec.model import LibraryStrategy, StrategySpec
from tetra.strategy.spec.modifiers import apply_modifiers, extract_modifiers
from tetra.strategy.spec.phrases import SHAPES, IdeaNotUnderstood
from tetra.strategy.spec.refine import refine

__all__ = ["SHAPES", "IdeaNotUnderstood", "ParsedIdea", "parse_idea"]


@dataclass
class ParsedIdea:
    """A valid spec, whether it refines the previous one, and the defaults assumed."""

    spec: StrategySpec
    refined: bool = False
    notes: list[str] = field(default_factory=list)


Draft = dict[str, Any]


def parse_idea(text: str, previous: StrategySpec | None = None) -> ParsedIdea:
    """Return the spec `text` describes (or refines), or raise `IdeaNotUnderstood`."""
    rest, changes = extract_modifiers(p.digits(text))
    rest, group = extract_universe(rest)
    phrase, symbols = p.normalise(rest), p.symbols_in(rest)
    notes: list[str] = []
    draft = _shape(phrase, symbols or list(packaged_members().get(group or "", ())), notes)
    refined = draft is None
    if draft is None:
        if previous is None:
            raise IdeaNotUnderstood(_not_understood(text))
        draft = refine(previous, phrase, symbols, notes)
    elif group is not None and not symbols:
        draft["symbols"], draft["universe"] = [], {"group": group}
        notes.append(f"the {group} group: its members in the store when it runs")
    applied = apply_modifiers(draft, changes, notes)
    if refined and not applied and not notes:
        raise IdeaNotUnderstood(_not_understood(text, refining=True))
    try:
        return ParsedIdea(validate_spec(draft), refined, notes)
    except (SpecRejected, ValidationError) as error:
        raise IdeaNotUnderstood(f"I read the idea but the spec is invalid: {error}") from error


def _not_understood(text: str, *, refining: bool = False) -> str:
    what = "a change to the strategy" if refining else "a strategy"
    return f"I could not find {what} in {text!r}. Phrasings I understand: " + "; ".join(SHAPES)


def _shape(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    for shape in _SHAPES:
        draft = shape(phrase, symbols, notes)
        if draft is not None:
            return draft
    return None


def _library(name: str, symbols: list[str], **params: Any) -> Draft:
    return {
        "strategy": {
            "kind": "library",
            "name": name,
            "params": {k: v for k, v in params.items() if v is not None},
        },
        "symbols": symbols,
    }


def _need(symbols: list[str], count: int, what: str) -> None:
    if len(symbols) != count:
        found = ", ".join(symbols) or "none"
        raise IdeaNotUnderstood(f"a {what} needs {count} tickers in capitals; I found {found}")


def _z(phrase: str) -> float | None:
    match = re.search(rf"{p.NUMBER} ?(?:standard deviations?|std|sd|sigmas?|z)\b", phrase)
    match = match or re.search(rf"z(?:-?score)? (?:of |at |above |beyond )?{p.NUMBER}", phrase)
    return abs(float(match.group(1))) if match else None


def _window(phrase: str) -> int | None:
    match = re.search(rf"{p._PERIOD} (?:window|lookback|rolling)", phrase)
    match = match or re.search(rf"(?:window|lookback) of {p._PERIOD}", phrase)
    return p.bars(match.group(1), match.group(2)) if match else None


def _exit_z(phrase: str) -> float | None:
    match = re.search(
        rf"(?:exit|close|flat)\w* (?:at|when|below|inside)?\s*(?:z ?(?:of )?)?{p.NUMBER}", phrase
    )
    return abs(float(match.group(1))) if match else None


def _butterfly(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    if not re.search(r"butterfly|\bfly\b|1 ?: ?-2 ?: ?1", phrase):
        return None
    _need(symbols, 3, "butterfly")
    return _library(
        "butterfly", symbols, entry_z=_z(phrase), window=_window(phrase), exit_z=_exit_z(phrase)
    )


def _pair(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    if not re.search(r"\bpairs?\b|spread between|stat(istical)? arb", phrase):
        return None
    _need(symbols, 2, "pair trade")
    entry = _z(phrase)
    if entry is None:
        notes.append("entry at 2 standard deviations (the default)")
    return _library("pair", symbols, entry_z=entry, window=_window(phrase), exit_z=_exit_z(phrase))


def _hold_bars(phrase: str) -> int | None:
    for word, count in (("daily", 1), ("weekly", 5), ("monthly", 21), ("quarterly", 63)):
        if word in phrase:
            return count
    match = re.search(rf"(?:hold|holding) (?:at least |for )?{p._PERIOD}", phrase)
    return p.bars(match.group(1), match.group(2)) if match else None


def _momentum_lookback(phrase: str) -> int | None:
    match = re.search(rf"{p._PERIOD} (?:momentum|return|performance|trend)", phrase)
    return p.bars(match.group(1), match.group(2)) if match else None


def _switch(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    if (
        not re.search(r"\brotat|\bswitch|whichever|the stronger of|better of", phrase)
        or len(symbols) != 2
    ):
        return None
    lookback = _momentum_lookback(phrase)
    if lookback is None:
        notes.append("momentum over 63 days (the default)")
    return _library("switch", symbols, lookback=lookback, min_hold=_hold_bars(phrase))


def _ranking(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    top = re.search(r"(?:top|best|strongest) (\d+)", phrase)
    if not (top or re.search(r"\brotat|\bmomentum\b.*\brank|\brank", phrase)) or len(symbols) < 2:
        return None
    monthly = re.search(r"month[- ]end|monthly|every month|each month", phrase)
    rebalance: Any = "month_end" if monthly else _hold_bars(phrase)
    return _library(
        "momentum", symbols, top_n=int(top.group(1)) if top else None,
        lookback=_momentum_lookback(phrase), rebalance=rebalance,
    )  # fmt: skip


def _buy_and_hold(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    if not re.search(
        r"buy[- ]and[- ]hold|\bhold\b.*\b(forever|long term)|\bportfolio of\b", phrase
    ):
        return None
    if not symbols:
        raise IdeaNotUnderstood("name the tickers to hold, in capitals")
    draft = _library("buy_and_hold", symbols)
    by_symbol: dict[str, float] = {}
    for share, name in re.findall(r"(\d+(?:\.\d+)?)% (?:in |of )?([a-z][a-z0-9.]*)", phrase):
        if name.upper() in symbols:
            by_symbol[name.upper()] = float(share) / 100
    for name, share in re.findall(r"([a-z][a-z0-9.]*) (\d+(?:\.\d+)?)%", phrase):
        if name.upper() in symbols:
            by_symbol.setdefault(name.upper(), float(share) / 100)
    if by_symbol:
        draft["weights"] = by_symbol
    else:
        notes.append("equal weights")
    return draft


def _bollinger(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    if "bollinger" not in phrase:
        return None
    found = re.search(r"bollinger bands? \(?(\d+)\s*[, ]\s*(\d+(?:\.\d+)?)\)?", phrase)
    days = int(found.group(1)) if found else p.period(phrase)
    deviations = float(found.group(2)) if found else _z(phrase)
    return _library(
        "bollinger_reversion",
        symbols,
        period=days,
        deviations=deviations,
        short=True if re.search(r"\bshort\b", phrase) else None,
    )


def _crossover(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    rule = p.crossing(phrase)
    if rule is None or rule.direction != "above":
        return None
    fast, slow = rule.series.period, rule.other.period  # type: ignore[union-attr]
    average = rule.series.indicator.value
    return _library(
        "sma_crossover",
        symbols,
        fast=fast,
        slow=slow,
        average=None if average == "sma" else average,
    )


def _split(phrase: str) -> tuple[str, str]:
    """Return (entry, exit) clauses: the exit starts at 'sell', 'exit' or 'close out'."""
    match = re.search(
        r"(?:,|;|\band\b|\bthen\b)?\s*\b(sell|exit|close (?:out|it|the position)|get out|cover)\b",
        phrase,
    )
    if match and match.start() > 0:
        return phrase[: match.start()], phrase[match.end() :]
    return phrase, ""


def _rules(phrase: str, symbols: list[str], notes: list[str]) -> Draft | None:
    if (
        not re.search(r"\b(buy|go long|long|short|sell short|enter|own|hold)\b", phrase)
        or not symbols
    ):
        return None
    entry_text, exit_text = _split(phrase)
    entry = _conditions(entry_text)
    if not entry:
        return None
    exits = _conditions(exit_text, like=entry[0])
    rsi = p.rsi_levels(entry_text)
    if (
        not exits
        and rsi is None
        and entry[0].get("kind") == "threshold"
        and re.search(r"\bbelow it\b|\babove it\b|otherwise|when it (falls|rises) back", exit_text)
    ):
        exits = [_opposite(entry[0])]
    side = "short" if re.search(r"\b(short|sell short)\b", entry_text) else "long"
    return {
        "strategy": {"kind": "rules", "side": side, "entry": entry, "exit": exits},
        "symbols": symbols,
    }


def _opposite(rule: dict[str, Any]) -> dict[str, Any]:
    return {**rule, "below": rule.get("above"), "above": rule.get("below")}


def _conditions(text: str, like: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return the conditions in a clause; bare levels ('above 70') reuse `like`'s series."""
    if not text.strip():
        return []
    found: list[dict[str, Any]] = []
    rsi = p.rsi_levels(text)
    if rsi is not None:
        days, below, above = rsi
        found.append(
            {
                "kind": "threshold",
                "series": {"indicator": "rsi", "period": days},
                "below": below,
                "above": above,
            }
        )
    for reader in (p.crossing, p.average_relation, p.zscore_rule, p.return_rule):
        rule = reader(text)
        if rule is not None:
            found.append(rule.model_dump(mode="json"))
    if not found and like is not None and like.get("kind") == "threshold":
        found.extend(_bare_levels(text, like))
    return [
        rule
        for rule in found
        if rule.get("below") is not None
        or rule.get("above") is not None
        or rule.get("kind") != "threshold"
    ]


def _bare_levels(text: str, like: dict[str, Any]) -> list[dict[str, Any]]:
    """'above 70', 'below it', 'when it is negative': levels for `like`'s series."""
    sign = re.search(r"\b(positive|negative)\b", text)
    if sign:
        key = "above" if sign.group(1) == "positive" else "below"
        return [{**like, "below": None, "above": None, key: 0.0}]
    below = re.search(rf"{p._BELOW}\s*{p.NUMBER}", text)
    above = re.search(rf"{p._ABOVE}\s*{p.NUMBER}", text)
    if not below and not above:
        return []
    return [
        {
            **like,
            "below": float(below.group(1)) if below else None,
            "above": float(above.group(1)) if above else None,
        }
    ]


_SHAPES: tuple[Callable[[str, list[str], list[str]], Draft | None], ...] = (
    _butterfly, _pair, _switch, _ranking, _buy_and_hold, _bollinger, _crossover, _rules,
)  # fmt: skip


def is_library(spec: StrategySpec) -> bool:
    return isinstance(spec.strategy, LibraryStrategy)
