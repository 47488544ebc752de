"""Event shocks: small typed specs, applied to generated paths or to stored history.

A shock is data (`PriceGap`, `MarketCrash`, `VolatilitySpike`, `LiquidityDrought`,
`TradingHalt`; `shock_from_mapping` reads one from TOML/JSON/CLI text) and
`apply_shocks` folds them over a `MarketData` in order, so they compose. `at` is a bar
number of the panel (0 = its first bar); `symbols` empty means every symbol.

How each edits the bars (`tetra.simulation.bar_edits` does the arithmetic in log moves
relative to the previous close, so OHLC stays consistent and later bars follow):
- gap: the whole bar at `at` moves by `move` (e.g. -0.12 for an earnings miss);
- crash: over `days` bars the common factor falls by `drop` in total (each symbol by
  ``beta * drop``), and each day's moves are pulled towards their cross-sectional mean
  by `comovement` (0: unchanged, 1: all alike), so correlations rise while it lasts;
- volatility spike: moves around their mean are multiplied by `multiplier` for `days`;
- liquidity drought: volume divided by `divisor` for `days`. Under the volume-share
  slippage model (slippage proportional to an order's share of the bar's volume) this
  multiplies slippage by `divisor`; fixed and basis-point slippage do not see volume;
- trading halt: `symbol` has no bar for `bars` bars. The fill model treats a bar without
  prices as a bar without trading: orders wait (day orders too) and fill from the first
  bar after the halt, whose open carries the move made while halted; positions are
  marked at the last traded price meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation import bar_edits


@dataclass(frozen=True, slots=True)
class PriceGap:
    """One symbol's bar at `at` moves by `move` (a fraction; -0.1 is a 10 % gap down)."""

    kind: ClassVar[str] = "gap"
    symbol: str
    at: int
    move: float

    def __post_init__(self) -> None:
        _require(self.move > -1.0, f"a gap of {self.move:+.0%} would take the price below zero")


@dataclass(frozen=True, slots=True)
class MarketCrash:
    """The market falls by `drop` over `days` bars from `at`, correlations rising."""

    kind: ClassVar[str] = "crash"
    at: int
    days: int
    drop: float
    comovement: float = 0.5
    symbols: tuple[str, ...] = ()
    betas: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        _require(0.0 < self.drop < 1.0, f"a crash drop is a fraction in (0, 1), not {self.drop}")
        _require(self.days >= 1, f"a crash lasts at least one bar, not {self.days}")
        _require(0.0 <= self.comovement <= 1.0, "comovement is between 0 and 1")


@dataclass(frozen=True, slots=True)
class VolatilitySpike:
    """Moves around their mean are multiplied by `multiplier` for `days` bars from `at`."""

    kind: ClassVar[str] = "vol_spike"
    at: int
    days: int
    multiplier: float
    symbols: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(
            self.multiplier > 0, f"a volatility multiplier must be positive, not {self.multiplier}"
        )
        _require(self.days >= 1, f"a volatility spike lasts at least one bar, not {self.days}")


@dataclass(frozen=True, slots=True)
class LiquidityDrought:
    """Volume is divided by `divisor` for `days` bars from `at` (slippage x divisor)."""

    kind: ClassVar[str] = "drought"
    at: int
    days: int
    divisor: float
    symbols: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(self.divisor >= 1, f"a drought divides volume by at least 1, not {self.divisor}")
        _require(self.days >= 1, f"a drought lasts at least one bar, not {self.days}")


@dataclass(frozen=True, slots=True)
class TradingHalt:
    """`symbol` does not trade for `bars` bars from `at`; orders wait for the reopening."""

    kind: ClassVar[str] = "halt"
    symbol: str
    at: int
    bars: int

    def __post_init__(self) -> None:
        _require(self.bars >= 1, f"a halt lasts at least one bar, not {self.bars}")


Shock = PriceGap | MarketCrash | VolatilitySpike | LiquidityDrought | TradingHalt
KINDS: dict[str, type[Shock]] = {
    c.kind: c for c in (PriceGap, MarketCrash, VolatilitySpike, LiquidityDrought, TradingHalt)
}


def apply_shocks(market: MarketData, shocks: Iterable[Shock]) -> MarketData:
    """Return `market` with every shock applied in order (the input is not changed)."""
    shocks = tuple(shocks)
    if not shocks:
        return market
    edit = bar_edits.BarEdit.of(market)
    for shock in shocks:
        _check_fits(shock, market)
        _APPLY[shock.kind](edit, shock, market)
    return edit.market()


def _gap(edit: bar_edits.BarEdit, shock: Any, market: MarketData) -> None:
    column = market.column(shock.symbol)
    edit.shift_bar(edit.next_traded(shock.at, column), column, math.log1p(shock.move))


def _crash(edit: bar_edits.BarEdit, shock: Any, market: MarketData) -> None:
    columns = _columns(shock, market)
    betas = dict(shock.betas)
    beta = np.array([betas.get(market.symbols[c], 1.0) for c in columns])
    rows = _rows(shock.at, shock.days, market)
    edit.crash(rows, columns, beta * math.log1p(-shock.drop) / len(rows), shock.comovement)


def _spike(edit: bar_edits.BarEdit, shock: Any, market: MarketData) -> None:
    edit.scale_moves(_rows(shock.at, shock.days, market), _columns(shock, market), shock.multiplier)


def _drought(edit: bar_edits.BarEdit, shock: Any, market: MarketData) -> None:
    rows = _rows(shock.at, shock.days, market)
    edit.volume[np.ix_(rows, np.array(_columns(shock, market)))] /= shock.divisor


def _halt(edit: bar_edits.BarEdit, shock: Any, market: MarketData) -> None:
    edit.halt(_rows(shock.at, shock.bars, market), market.column(shock.symbol))


_APPLY = {"gap": _gap, "crash": _crash, "vol_spike": _spike, "drought": _drought, "halt": _halt}


def _rows(at: int, length: int, market: MarketData) -> np.ndarray:
    return np.arange(at, min(at + length, market.shape[0]))


def _columns(shock: Any, market: MarketData) -> list[int]:
    if not shock.symbols:
        return list(range(market.shape[1]))
    return [market.column(s) for s in shock.symbols]


def _check_fits(shock: Shock, market: MarketData) -> None:
    """Raise `ValidationError` when a shock names an unknown symbol or a bar past the end."""
    named = [getattr(shock, "symbol", None), *getattr(shock, "symbols", ())]
    named += [s for s, _ in getattr(shock, "betas", ())]
    unknown = sorted({s for s in named if s is not None and s not in market.symbols})
    if unknown:
        raise ValidationError(
            f"the {shock.kind} shock names {', '.join(unknown)}, which is not among the "
            f"symbols of this run ({', '.join(market.symbols)})"
        )
    if not 0 <= shock.at < market.shape[0]:
        raise ValidationError(
            f"the {shock.kind} shock starts at bar {shock.at}, outside the run's "
            f"{market.shape[0]} bars (0..{market.shape[0] - 1})"
        )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def shock_from_mapping(values: Mapping[str, Any]) -> Shock:
    """Build a shock from ``{"kind": ..., field: value}``; raise `ValidationError` if malformed."""
    kind = values.get("kind")
    if kind not in KINDS:
        raise ValidationError(f"unknown shock kind {kind!r}; choose one of {', '.join(KINDS)}")
    cls = KINDS[kind]
    known = {f.name: f for f in fields(cls)}
    given = {k: v for k, v in values.items() if k != "kind"}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValidationError(
            f"a {kind} shock has no field {', '.join(unknown)}; fields: {', '.join(known)}"
        )
    try:
        return cls(**{k: _typed(known[k].type, k, v) for k, v in given.items()})
    except TypeError as error:
        raise ValidationError(f"a {kind} shock needs {', '.join(known)}: {error}") from error


def parse_shock(text: str) -> Shock:
    """Read ``kind:field=value,...`` (CLI form), e.g. ``halt:symbol=SPY,at=10,bars=3``."""
    kind, _, rest = text.partition(":")
    values: dict[str, Any] = {"kind": kind.strip()}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        name, equals, value = part.partition("=")
        if not equals:
            raise ValidationError(f"shock field {part!r} is not name=value (in {text!r})")
        values[name.strip()] = value.strip()
    if values.get("kind") in ("crash", "vol_spike", "drought") and "symbols" in values:
        values["symbols"] = str(values["symbols"]).split("+")
    return shock_from_mapping(values)


def shock_to_mapping(shock: Shock) -> dict[str, Any]:
    """Return the shock as plain data (the inverse of `shock_from_mapping`)."""
    data: dict[str, Any] = {"kind": shock.kind}
    for f in fields(shock):
        value = getattr(shock, f.name)
        data[f.name] = (
            [list(v) for v in value]
            if f.name == "betas"
            else (list(value) if isinstance(value, tuple) else value)
        )
    return data


def _typed(annotation: Any, name: str, value: Any) -> Any:
    """Coerce a text or JSON value to the field's type, with a message naming the field."""
    kind = str(annotation)
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "str":
            return str(value)
        if name == "betas":
            pairs = value.items() if isinstance(value, Mapping) else value
            return tuple((str(s), float(b)) for s, b in pairs)
        return tuple(str(v) for v in value)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"shock field {name}={value!r} is not a valid {kind}") from error
