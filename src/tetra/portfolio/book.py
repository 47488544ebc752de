"""Books: what a user runs for real, declared in ``tetra.toml`` and stored with their versions.

A `Book` names its capital, the strategies it runs (each a library strategy with parameters
and a weight), the instruments they trade, a benchmark, an optional risk policy (named, or
written out in the book as `risk_policy_table`), report recipients and a mode. `parse_book`
validates one ``[books.<name>]`` table and names the bad field in its error
(``books.core.strategies[1].weight: ...``). Whether a strategy name exists in the library is
checked by the cycle, which sits above the library (`tetra.cycle.check`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from tetra.core.errors import ValidationError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9.\-/^=]{0,23}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEYS = {
    "capital",
    "strategies",
    "symbols",
    "benchmark",
    "mode",
    "risk_policy",
    "recipients",
    "description",
    "exits",
    "sizing",
    "risk_policy_table",
}
# Exit rules of the sleeves' backtests (`tetra.simulation.exits.Exits` fields): fractions of
# the entry price, ATR multiples, a time exit in bars; checked in full by the cycle.
EXIT_KEYS = frozenset(
    {
        "stop_loss",
        "stop_loss_atr",
        "take_profit",
        "take_profit_atr",
        "trailing_stop",
        "trailing_stop_atr",
        "time_exit",
        "atr_window",
    }
)


class BookMode(StrEnum):
    """How a book's positions come about: confirmed by the user, paper fills, or a broker."""

    RECOMMEND = "recommend"
    PAPER = "paper"
    LIVE = "live"


@dataclass(frozen=True)
class StrategyAllocation:
    """One strategy of a book: library name, parameters, weight of capital, a unique label."""

    strategy: str
    weight: Decimal
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        if not self.label:
            object.__setattr__(self, "label", self.strategy)


@dataclass(frozen=True)
class Book:
    """A named set of strategies with capital and weights, over a list of instruments."""

    name: str
    capital: Decimal
    strategies: tuple[StrategyAllocation, ...]
    symbols: tuple[str, ...]
    benchmark: str = "SPY"
    mode: BookMode = BookMode.RECOMMEND
    risk_policy: str | None = None
    recipients: tuple[str, ...] = ()
    description: str = ""
    exits: Mapping[str, float] = field(default_factory=dict)
    # how the sleeves size their entries (`tetra.risk.sizing_policy`); checked by the cycle
    sizing: Mapping[str, Any] = field(default_factory=dict)
    # the risk policy itself (the policy file's keys), instead of naming one in `risk_policy`:
    # an approved strategy spec's, so later edits of a policy file do not change the book
    risk_policy_table: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "exits", MappingProxyType(dict(self.exits)))
        object.__setattr__(self, "sizing", MappingProxyType(dict(self.sizing)))
        object.__setattr__(
            self, "risk_policy_table", MappingProxyType(dict(self.risk_policy_table))
        )
        _check_book(self)

    @property
    def invested_weight(self) -> Decimal:
        """The sum of the strategies' weights (at most 1; the rest stays in cash)."""
        return sum((s.weight for s in self.strategies), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """Return the book as JSON-ready data (Decimals as strings), the stored definition."""
        data: dict[str, Any] = {
            "name": self.name,
            "capital": str(self.capital),
            "strategies": [
                {
                    "strategy": s.strategy,
                    "weight": str(s.weight),
                    "params": dict(s.params),
                    "label": s.label,
                }
                for s in self.strategies
            ],
            "symbols": list(self.symbols),
            "benchmark": self.benchmark,
            "mode": self.mode.value,
            "risk_policy": self.risk_policy,
            "recipients": list(self.recipients),
            "description": self.description,
        }
        if self.exits:  # only when set: books without exits keep their stored digests
            data["exits"] = dict(self.exits)
        if self.sizing:
            data["sizing"] = dict(self.sizing)
        if self.risk_policy_table:
            data["risk_policy_table"] = dict(self.risk_policy_table)
        return data

    def digest(self) -> str:
        """Return a fingerprint of the definition: equal books have equal digests."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def changed_fields(before: Book, after: Book) -> list[str]:
    """Return the fields of a book's definition that differ between two of its versions."""
    a, b = before.to_dict(), after.to_dict()
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def parse_book(name: str, table: Mapping[str, Any], *, where: str = "books") -> Book:
    """Validate one book declaration; a `ValidationError` names the offending field."""
    path = f"{where}.{name}"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ValidationError(f"{path}: unknown field(s) {', '.join(unknown)}")
    if "strategies" not in table or "capital" not in table:
        raise ValidationError(f"{path}: a book needs `capital` and `strategies`")
    return _at(
        path,
        lambda: Book(
            name=name,
            capital=_decimal(table["capital"], f"{path}.capital"),
            strategies=_strategies(table["strategies"], f"{path}.strategies"),
            symbols=tuple(_strings(table.get("symbols", ()), f"{path}.symbols")),
            benchmark=str(table.get("benchmark", "SPY")),
            mode=_mode(table.get("mode", "recommend"), f"{path}.mode"),
            risk_policy=table.get("risk_policy"),
            recipients=tuple(_strings(table.get("recipients", ()), f"{path}.recipients")),
            description=str(table.get("description", "")),
            exits=_exits(table.get("exits", {}), f"{path}.exits"),
            sizing=_sizing(table.get("sizing", {}), f"{path}.sizing"),
            risk_policy_table=_table(
                table.get("risk_policy_table", {}), f"{path}.risk_policy_table"
            ),
        ),
    )


def book_from_dict(data: Mapping[str, Any]) -> Book:
    """Return the book that `Book.to_dict` wrote."""
    body = {k: v for k, v in data.items() if k != "name"}
    return parse_book(str(data["name"]), body)


def _at(path: str, build: Any) -> Book:
    try:
        book: Book = build()
    except ValidationError as error:
        text = str(error)
        raise ValidationError(text if text.startswith(path) else f"{path}: {text}") from None
    return book


def _strategies(value: Any, path: str) -> tuple[StrategyAllocation, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ValidationError(f"{path}: a list of at least one strategy is needed")
    return tuple(_allocation(item, f"{path}[{i}]") for i, item in enumerate(value))


def _allocation(item: Any, path: str) -> StrategyAllocation:
    if not isinstance(item, Mapping):
        raise ValidationError(f"{path}: expected a table with `strategy` and `weight`")
    unknown = sorted(set(item) - {"strategy", "weight", "params", "label"})
    if unknown:
        raise ValidationError(f"{path}: unknown field(s) {', '.join(unknown)}")
    strategy = item.get("strategy")
    if not isinstance(strategy, str) or not strategy:
        raise ValidationError(f"{path}.strategy: a strategy name from the library is needed")
    params = item.get("params", {})
    if not isinstance(params, Mapping):
        raise ValidationError(f"{path}.params: expected a table of parameters")
    weight = _decimal(item.get("weight", "1"), f"{path}.weight")
    if weight <= 0 or weight > 1:
        raise ValidationError(f"{path}.weight: {weight} is not in (0, 1]")
    return StrategyAllocation(strategy, weight, params, str(item.get("label", "")))


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValidationError(f"{path}: expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{path}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise ValidationError(f"{path}: {value!r} is not a finite number")
    return number


def _sizing(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or (value and "method" not in value):
        raise ValidationError(f'{path}: expected a table, e.g. {{ method = "equal_weight" }}')
    return dict(value)


def _table(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{path}: expected a table, e.g. {{ max_drawdown = 0.1 }}")
    return dict(value)


def _exits(value: Any, path: str) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{path}: expected a table, e.g. {{ stop_loss = 0.05 }}")
    unknown = sorted(set(value) - EXIT_KEYS)
    if unknown:
        known = ", ".join(sorted(EXIT_KEYS))
        raise ValidationError(f"{path}: unknown field(s) {', '.join(unknown)}; known: {known}")
    out = {}
    for key, raw in value.items():
        number = _decimal(raw, f"{path}.{key}")
        if number <= 0:
            raise ValidationError(f"{path}.{key}: {raw!r} must be a positive number")
        out[str(key)] = float(number)
    return out


def _strings(value: Any, path: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValidationError(f"{path}: expected a list of strings")
    if not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{path}: expected a list of strings")
    return list(value)


def _mode(value: Any, path: str) -> BookMode:
    try:
        return BookMode(str(value))
    except ValueError:
        choices = ", ".join(m.value for m in BookMode)
        raise ValidationError(f"{path}: {value!r} is not one of {choices}") from None


def _check_book(book: Book) -> None:
    if not _NAME.match(book.name):
        raise ValidationError(
            f"book name {book.name!r}: lower-case letters, digits, '-' and '_' (64 at most)"
        )
    if not book.capital.is_finite() or book.capital <= 0:
        raise ValidationError(f"capital: {book.capital} must be a positive number")
    _check_strategies(book.strategies)
    _check_symbols(book)
    if book.risk_policy is not None and book.risk_policy_table:
        raise ValidationError("risk_policy_table: a book names a risk_policy or writes one out")
    bad = [r for r in book.recipients if not _EMAIL.match(r)]
    if bad:
        raise ValidationError(f"recipients: {', '.join(bad)} not an email address")


def _check_strategies(strategies: tuple[StrategyAllocation, ...]) -> None:
    if not strategies:
        raise ValidationError("strategies: a book runs at least one strategy")
    labels = [s.label for s in strategies]
    duplicated = sorted({label for label in labels if labels.count(label) > 1})
    if duplicated:
        raise ValidationError(
            f"strategies: label(s) {', '.join(duplicated)} used twice; give each a `label`"
        )
    total = sum((s.weight for s in strategies), Decimal(0))
    if total > 1:
        raise ValidationError(f"strategies: the weights sum to {total}, more than 1")


def _check_symbols(book: Book) -> None:
    if not book.symbols:
        raise ValidationError("symbols: a book trades at least one instrument")
    bad = [s for s in (*book.symbols, book.benchmark) if not _SYMBOL.match(s)]
    if bad:
        raise ValidationError(f"symbols: {', '.join(bad)} not a ticker (upper case)")
    if len(set(book.symbols)) != len(book.symbols):
        raise ValidationError("symbols: listed more than once")
