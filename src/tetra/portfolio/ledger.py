"""The exact ledger of a book: cash, positions at average cost, fills, fees and P&L in Decimal.

Identity the ledger keeps, checked by its tests for any sequence of fills:

    equity = cash + sum(quantity * mark)
           = opening equity + realised + unrealised - fees

Realised P&L is booked when a fill reduces a position (average-cost method: the closed part
takes its share of the cost basis, rounded to the stored 12 places, and the basis left keeps
the rest exactly, so the identity holds to the last digit; a fill through zero closes the old
side and opens the new one at the fill price); unrealised P&L is quantity times mark minus
the cost basis. Arithmetic runs at 60 significant digits, so products never round. Fees
are kept apart, never folded into cost. A fill already booked (same `fill_id`) is ignored,
so replaying a day's fills is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext

from tetra.core.errors import ValidationError

ZERO = Decimal(0)
PLACES = 12  # what the stores keep: numeric(38, 12)
_EXACT = Context(prec=60)


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution booked to a book: signed quantity (+ buy, - sell), price and fee."""

    fill_id: str
    at: dt.datetime
    session: dt.date
    symbol: str
    quantity: Decimal
    price: Decimal
    fee: Decimal = ZERO
    strategy: str = ""
    decision_price: Decimal | None = None
    order_id: str | None = None

    def __post_init__(self) -> None:
        if not self.fill_id:
            raise ValidationError("a fill needs a fill_id")
        if self.at.tzinfo is None:
            raise ValidationError(f"fill {self.fill_id}: `at` must be timezone-aware")
        if self.quantity == 0:
            raise ValidationError(f"fill {self.fill_id}: quantity is zero")
        if self.price <= 0 or self.fee < 0:
            raise ValidationError(f"fill {self.fill_id}: price must be > 0 and fee >= 0")
        for name in ("quantity", "price", "fee"):
            _check_places(getattr(self, name), f"fill {self.fill_id}: {name}")

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price

    @property
    def slippage(self) -> Decimal | None:
        """Cost against the decision price, in money (positive = paid more than decided)."""
        if self.decision_price is None:
            return None
        return (self.price - self.decision_price) * self.quantity


@dataclass(frozen=True, slots=True)
class Position:
    """An open position: signed quantity and its cost basis (what it cost in all, signed)."""

    symbol: str
    quantity: Decimal
    cost: Decimal

    @property
    def average_cost(self) -> Decimal:
        with localcontext(_EXACT):
            return self.cost / self.quantity

    def unrealised(self, mark: Decimal) -> Decimal:
        with localcontext(_EXACT):
            return self.quantity * mark - self.cost


@dataclass(frozen=True)
class Holdings:
    """What a book holds at a date: cash and positions (confirmed by the user, or a close)."""

    as_of: dt.date
    cash: Decimal
    positions: Mapping[str, Position] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_places(self.cash, "cash")
        for position in self.positions.values():
            _check_places(position.quantity, f"{position.symbol} quantity")
            _check_places(position.cost, f"{position.symbol} cost")


@dataclass(frozen=True, slots=True)
class Valuation:
    """A ledger marked to prices: cash, market value, equity and the P&L split."""

    cash: Decimal
    market_value: Decimal
    equity: Decimal
    realised: Decimal
    unrealised: Decimal
    fees: Decimal


class Ledger:
    """Cash and positions of one book, moved only by fills (see the module docstring)."""

    def __init__(self, cash: Decimal, positions: Iterable[Position] = ()) -> None:
        self.cash = cash
        self.positions: dict[str, Position] = {p.symbol: p for p in positions if p.quantity}
        self.realised = ZERO
        self.fees = ZERO
        self.fills: list[Fill] = []
        self._seen: set[str] = set()
        self.opening_cost = sum((p.cost for p in self.positions.values()), ZERO)
        self.opening_cash = cash

    @classmethod
    def from_holdings(cls, holdings: Holdings) -> Ledger:
        return cls(holdings.cash, holdings.positions.values())

    @property
    def opening_equity(self) -> Decimal:
        """Cash plus positions at their cost when the ledger was opened."""
        return self.opening_cash + self.opening_cost

    def apply(self, fill: Fill) -> Decimal:
        """Book `fill`; return the P&L it realised (zero if it only opened or was a repeat)."""
        if fill.fill_id in self._seen:
            return ZERO
        self._seen.add(fill.fill_id)
        self.fills.append(fill)
        with localcontext(_EXACT):
            self.cash -= fill.notional + fill.fee
            self.fees += fill.fee
            realised = self._move(fill.symbol, fill.quantity, fill.price)
            self.realised += realised
        return realised

    def apply_all(self, fills: Iterable[Fill]) -> Decimal:
        return sum((self.apply(f) for f in fills), ZERO)

    def quantity(self, symbol: str) -> Decimal:
        position = self.positions.get(symbol)
        return ZERO if position is None else position.quantity

    def valuation(self, marks: Mapping[str, Decimal]) -> Valuation:
        """Mark every position; a held symbol without a mark raises `ValidationError`."""
        missing = sorted(s for s in self.positions if s not in marks)
        if missing:
            raise ValidationError(f"no price to mark {', '.join(missing)}")
        with localcontext(_EXACT):
            value = sum((p.quantity * marks[s] for s, p in self.positions.items()), ZERO)
            unrealised = sum((p.unrealised(marks[s]) for s, p in self.positions.items()), ZERO)
            equity = self.cash + value
        return Valuation(self.cash, value, equity, self.realised, unrealised, self.fees)

    def holdings(self, as_of: dt.date) -> Holdings:
        return Holdings(as_of, self.cash, dict(self.positions))

    def _move(self, symbol: str, quantity: Decimal, price: Decimal) -> Decimal:
        held = self.positions.get(symbol)
        old = ZERO if held is None else held.quantity
        basis = ZERO if held is None else held.cost
        new = old + quantity
        if old == 0 or (old > 0) == (quantity > 0):  # opening or adding
            self.positions[symbol] = Position(symbol, new, basis + quantity * price)
            return ZERO
        closing = -old if new == 0 or (new > 0) != (old > 0) else quantity  # signed, as the fill
        released = basis if closing == -old else _fit(basis * -closing / old)
        realised = -closing * price - released
        rest = quantity - closing
        if new == 0:
            del self.positions[symbol]
        elif rest == 0:  # reduced, same side: the basis left keeps the rest exactly
            self.positions[symbol] = Position(symbol, new, basis - released)
        else:  # through zero: the rest opens at the fill price
            self.positions[symbol] = Position(symbol, new, rest * price)
        return realised


def _fit(value: Decimal) -> Decimal:
    """Round a share of cost basis to the stored precision (the only rounding the ledger does)."""
    return value.quantize(Decimal(1).scaleb(-PLACES))


def _check_places(value: Decimal, what: str) -> None:
    if not value.is_finite():
        raise ValidationError(f"{what} is {value}; a finite number is needed")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        raise ValidationError(f"{what} {value} has more than {PLACES} decimal places")
