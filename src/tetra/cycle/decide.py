"""From sleeves to recommendations: combine targets, round to lots, diff against holdings.

The book's target in a symbol is the sum of its sleeves' targets, rounded toward zero to
whole units (or to 1e-6 where the book trades fractions); a recommendation is the order
that moves what the ledger holds to that target, priced at the session's close (the
decision price), with the reasoning of every sleeve that wants a position or decided an
order there, and the verdict of the risk gate. Sells come before buys, so the gate sees
exposure freed before it is used again. A symbol `outside` its group on the session
(`tetra.cycle.members`) has a target of zero, its reason first in the reasoning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import numpy as np

from tetra.cycle.reasoning import explain
from tetra.cycle.sleeves import Sleeve
from tetra.portfolio import Ledger

WHOLE, FRACTION = Decimal(1), Decimal("0.000001")
PRICE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Recommendation:
    """An order that moves a position to the book's target, with why and the risk verdict."""

    symbol: str
    quantity: Decimal  # signed: + buy, - sell
    held: Decimal
    target: Decimal
    price: Decimal  # the decision price: the session's close
    reasoning: tuple[dict[str, Any], ...]
    risk: dict[str, Any] = field(default_factory=lambda: {"allowed": True})

    @property
    def side(self) -> str:
        return "buy" if self.quantity > 0 else "sell"

    @property
    def allowed(self) -> bool:
        return bool(self.risk.get("allowed", True))


# (symbol, signed quantity, decision price) -> {"allowed": bool, "code": ..., "reason": ...}
RiskGate = Callable[[str, Decimal, Decimal], dict[str, Any]]


def price_of(value: float) -> Decimal:
    """Return a float price as an exact Decimal with six places."""
    return Decimal(repr(float(value))).quantize(PRICE_PLACES)


def recommend(
    sleeves: Sequence[Sleeve],
    ledger: Ledger,
    closes: np.ndarray,
    *,
    fractional: bool,
    gate: RiskGate | None = None,
    outside: Mapping[str, dict[str, Any]] | None = None,
) -> list[Recommendation]:
    """Return the recommendations of a book's sleeves against `ledger` at `closes`.

    `outside` maps a symbol out of its group on the session to the reason it is not held.
    """
    symbols = sleeves[0].result.market.symbols
    target = np.sum([s.targets for s in sleeves], axis=0)
    lot = FRACTION if fractional else WHOLE
    left = outside or {}
    drafts = []
    for n, symbol in enumerate(symbols):
        wanted = Decimal(0) if symbol in left else _units(target[n], lot)
        held = ledger.quantity(symbol)
        if wanted == held or not math.isfinite(closes[n]):
            continue
        reasons = tuple(explain(s, n) for s in sleeves if _involved(s, n))
        if symbol in left:
            reasons = (left[symbol], *reasons)
        drafts.append(
            Recommendation(symbol, wanted - held, held, wanted, price_of(closes[n]), reasons)
        )
    drafts.sort(key=lambda r: (r.quantity > 0, r.symbol))
    if gate is None:
        return drafts
    return [_checked(r, gate) for r in drafts]


def _checked(recommendation: Recommendation, gate: RiskGate) -> Recommendation:
    verdict = gate(recommendation.symbol, recommendation.quantity, recommendation.price)
    return Recommendation(
        recommendation.symbol,
        recommendation.quantity,
        recommendation.held,
        recommendation.target,
        recommendation.price,
        recommendation.reasoning,
        verdict,
    )


def _involved(sleeve: Sleeve, n: int) -> bool:
    decided = sleeve.result.decisions
    fired = decided is not None and bool(
        ((decided[:, 0] == sleeve.today) & (decided[:, 1] == n)).any()
    )
    return fired or sleeve.targets[n] != 0 or sleeve.held[n] != 0


def _units(value: float, lot: Decimal) -> Decimal:
    if not math.isfinite(value):
        return Decimal(0)
    exact = Decimal(repr(float(value)))
    return (exact / lot).to_integral_value(rounding=ROUND_DOWN) * lot
