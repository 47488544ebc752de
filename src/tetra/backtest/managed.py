"""`RiskManaged`: any strategy run under a risk policy, on either backtest path.

`RiskManaged(strategy, policy)` is a strategy: it decides exactly as the wrapped one (its
entries sized by the policy's `sizing`, if set: `tetra.backtest.sized`), and
`run_backtest` runs it with the policy's risk gate in the fill model
(`tetra.simulation.risk_gate`: caps resize fills, the trading state refuses and cancels
orders, limits trip and clear after their persistence). Every intervention is a row of
`BacktestResult.interventions` with its reason in words; `interventions_frame` builds it
from the kernels' journal.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tetra.backtest.sized import Sized
from tetra.data.universe import Universe
from tetra.market import MarketData
from tetra.risk import LIMIT_KINDS, RiskPolicy, TradingState, bucket_labels, policy_arrays
from tetra.simulation import risk_gate as g
from tetra.strategy.base import Strategy
from tetra.strategy.wrapping import StandIn

INTERVENTIONS_KEPT = 500  # journal rows kept with a stored run (the total is kept too)
INTERVENTION_COLUMNS = ("ts", "symbol", "action", "code", "requested", "allowed", "state", "reason")
ACTIONS = ("resized", "refused", "cancelled", "tripped", "cleared")


class RiskManaged(StandIn):
    """Run `strategy` under `policy` (see the module docstring); `universe` classifies symbols."""

    name: ClassVar[str] = "risk_managed"

    def __init__(
        self, strategy: Strategy[Any], policy: RiskPolicy, universe: Universe | None = None
    ) -> None:
        # a policy's [sizing] table sizes the entries (unless they are already) before the gate
        sizing = None if isinstance(strategy, Sized) else policy.sizing
        super().__init__(strategy if sizing is None else Sized(strategy, sizing))
        self.policy = policy
        self.universe = universe

    def describe(self) -> str:
        return f"{self.strategy.describe()} under a risk policy"

    def gate(self, market: MarketData, cash: float, orders: int | None = None) -> g.Gate:
        """Return a fresh gate for one run on `market` (`orders`: how many, when known)."""
        return gate_for(self.policy, market, cash, orders, self.universe)


def gate_for(
    policy: RiskPolicy,
    market: MarketData,
    cash: float,
    orders: int | None = None,
    universe: Universe | None = None,
) -> g.Gate:
    """Return a fresh risk gate for `policy` over `market`'s symbols.

    With `orders` known (the compiled path) the journal has room for every possible row:
    two per order and one per limit per bar; otherwise it starts small and the per-bar
    engine grows it.
    """
    arrays = policy_arrays(policy, market.symbols, universe)
    rows = 2 * orders + market.shape[0] * len(LIMIT_KINDS) if orders is not None else 256
    return g.make_gate(arrays, market.close, cash, journal_rows=rows)


def interventions_frame(
    journal: np.ndarray | None, market: MarketData, policy: RiskPolicy | None
) -> pd.DataFrame:
    """Return the journal as rows of `INTERVENTION_COLUMNS`, each with its reason in words."""
    if journal is None or policy is None or len(journal) == 0:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in INTERVENTION_COLUMNS})
    dates = pd.DatetimeIndex(market.dates.astype("datetime64[ns]"))
    rows = [_row(entry, dates, market.symbols, policy) for entry in journal]
    return pd.DataFrame(rows, columns=list(INTERVENTION_COLUMNS))


def _row(
    entry: np.ndarray, dates: pd.DatetimeIndex, symbols: tuple[str, ...], policy: RiskPolicy
) -> dict[str, object]:
    action, code = int(entry[g.J_ACTION]), int(entry[g.J_CODE])
    limit = action in (g.RESIZED, g.TRIPPED, g.CLEARED)
    kind = LIMIT_KINDS[code] if limit else None
    subject = _subject(int(entry[g.J_SYMBOL]), kind, symbols, policy)
    state = TradingState.of_code(int(entry[g.J_STATE]))
    requested, allowed = float(entry[g.J_REQUESTED]), float(entry[g.J_ALLOWED])
    return {
        "ts": dates[int(entry[g.J_T])],
        "symbol": subject,
        "action": ACTIONS[action],
        "code": str(kind) if kind is not None else str(TradingState.of_code(code)),
        "requested": requested,
        "allowed": allowed,
        "state": str(state),
        "reason": _reason(action, code, subject, requested, allowed, state),
    }


def _subject(index: int, kind: Any, symbols: tuple[str, ...], policy: RiskPolicy) -> str:
    if index < 0:
        return ""
    if kind is not None and kind.bucketed:
        return bucket_labels(policy)[index].name
    return symbols[index]


def _reason(
    action: int, code: int, subject: str, requested: float, allowed: float, state: TradingState
) -> str:
    if action == g.RESIZED:
        side = "buy" if requested > 0 else "sell"
        return (
            f"{side} of {abs(requested):g} {subject} resized to {abs(allowed):g} "
            f"by the {LIMIT_KINDS[code]} cap"
        )
    if action in (g.REFUSED, g.CANCELLED):
        held = TradingState.of_code(code)
        what = "new order" if action == g.REFUSED else "working order"
        why = "it would not reduce exposure" if held is TradingState.REDUCING else "nothing trades"
        return f"{what} for {requested:g} {subject} {ACTIONS[action]}: the book is {held}, {why}"
    where = f" {subject}" if subject else ""
    relation = ">" if action == g.TRIPPED else "<="
    return (
        f"{LIMIT_KINDS[code]}{where} {requested:.2%} {relation} cap {allowed:.2%}: "
        f"{ACTIONS[action]}, the book is {state}"
    )


def stored_interventions(frame: pd.DataFrame) -> dict[str, Any]:
    """Return the journal as kept in a stored run's params: its first rows and its total."""
    shown = frame.head(INTERVENTIONS_KEPT)
    rows = shown.assign(ts=shown["ts"].astype(str).str[:10]).to_dict("records")
    return {"interventions": rows, "interventions_total": len(frame)}
