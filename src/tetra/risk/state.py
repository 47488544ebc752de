"""The book's trading state: a pure, persistence-aware state machine with a record of why.

`RiskState` is a frozen value; every function here returns a new one together with the
`Transition`s it caused (a limit tripping or clearing, or an operator's action), each with
its reason, so the caller keeps the journal. The effective state (`RiskState.state`) is

- REDUCING while an operator flattens the book (`begin_flatten`), whatever else holds:
  flattening a halted book goes *through* the checks in reducing mode, never around them;
- otherwise the more restrictive of the operator's state (kill switch = HALTED) and the
  state the tripped limits call for (`RiskPolicy.response`).

A limit trips after `RiskPolicy.persistence_of(kind)` consecutive breached checks (one bad
equity print does not halt a book); a met limit clears at once unless it is latched (the
drawdown breaker by default), which holds until `reset_limits`.

Orders: `permits` says whether a new order may pass the state check (cancels always may);
`keeps_working` whether a working order survives the state (exits always do).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

from tetra.risk.limits import LimitCheck, LimitReading
from tetra.risk.policy import RiskPolicy
from tetra.risk.vocabulary import LIMIT_KINDS, LimitKind, TradingState

Moment = object  # when it happened: a bar index, a date or a timestamp, as the caller counts


class OrderAction(StrEnum):
    """What an order request does to the book's orders."""

    SUBMIT = "submit"
    MODIFY = "modify"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class Transition:
    """A limit tripped or cleared, or an operator acted; the book's state before and after.

    `previous` equals `current` when another cause already held the book in that state.
    `limit` names the limit for limit events, None for an operator's action.
    """

    at: Moment
    previous: TradingState
    current: TradingState
    reason: str
    limit: LimitKind | None = None


@dataclass(frozen=True, slots=True)
class Intervention:
    """Something the risk layer did to an order: denied, clipped or cancelled, and why.

    `code` is a stable reason code (a pre-trade denial code or a `LimitKind` value).
    """

    at: Moment
    action: str
    code: str
    reason: str
    symbol: str = ""


@dataclass(frozen=True, slots=True)
class RiskState:
    """Where a book stands: breach streaks, tripped limits, operator state, flattening."""

    streaks: tuple[int, ...] = field(default=(0,) * len(LIMIT_KINDS))
    tripped: frozenset[LimitKind] = frozenset()
    limit_state: TradingState = TradingState.ACTIVE
    manual: TradingState = TradingState.ACTIVE
    flattening: bool = False

    @property
    def state(self) -> TradingState:
        """Return the effective trading state (see the module docstring)."""
        if self.flattening:
            return TradingState.REDUCING
        return self.manual.at_least(self.limit_state)


@dataclass(frozen=True, slots=True)
class Step:
    """A new `RiskState` and the transitions that led to it (possibly none)."""

    state: RiskState
    transitions: tuple[Transition, ...] = ()


def advance(policy: RiskPolicy, state: RiskState, check: LimitCheck, at: Moment) -> Step:
    """Fold one limit check into `state`: grow or reset streaks, trip or clear limits."""
    streaks = tuple(
        streak + 1 if reading.breached else 0
        for streak, reading in zip(state.streaks, check.readings, strict=True)
    )
    tripped = frozenset(_tripped(policy, state, check, streaks))
    limit_state = _limit_state(policy, tripped)
    after = replace(state, streaks=streaks, tripped=tripped, limit_state=limit_state)
    return Step(after, tuple(_limit_transitions(policy, state, after, check, at)))


def kill(state: RiskState, reason: str, at: Moment) -> Step:
    """Switch the book off: HALTED until `resume` (only cancels pass; exits keep working)."""
    return _manual(state, replace(state, manual=TradingState.HALTED, flattening=False), reason, at)


def reduce_only(state: RiskState, reason: str, at: Moment) -> Step:
    """Let only exposure-shrinking orders through until `resume`."""
    return _manual(state, replace(state, manual=TradingState.REDUCING), reason, at)


def resume(state: RiskState, reason: str, at: Moment) -> Step:
    """Lift the operator's state; tripped limits still hold the book where they put it."""
    return _manual(state, replace(state, manual=TradingState.ACTIVE, flattening=False), reason, at)


def reset_limits(state: RiskState, reason: str, at: Moment) -> Step:
    """Clear every tripped limit and streak, latched ones included (an operator's decision)."""
    cleared = replace(
        state, streaks=(0,) * len(LIMIT_KINDS), tripped=frozenset(), limit_state=TradingState.ACTIVE
    )
    return _manual(state, cleared, reason, at)


def begin_flatten(state: RiskState, reason: str, at: Moment) -> Step:
    """Enter REDUCING to flatten the book, even from HALTED; exits then pass the checks."""
    return _manual(state, replace(state, flattening=True), reason, at)


def end_flatten(state: RiskState, reason: str, at: Moment) -> Step:
    """Leave flattening: the book returns to the state its operator and limits call for."""
    return _manual(state, replace(state, flattening=False), reason, at)


def permits(state: TradingState, action: OrderAction, reduces_exposure: bool) -> bool:
    """Whether an order request passes the trading-state check."""
    if action is OrderAction.CANCEL or state is TradingState.ACTIVE:
        return True
    return state is TradingState.REDUCING and reduces_exposure


def keeps_working(state: TradingState, reduces_exposure: bool) -> bool:
    """Whether a working order survives `state`: exits always do, a halt never blocks them."""
    return state is TradingState.ACTIVE or reduces_exposure


def reduces_exposure(position: float, quantity: float) -> bool:
    """Whether trading signed `quantity` shrinks |position| without flipping its side."""
    if position == 0.0 or quantity == 0.0:
        return False
    return (position > 0.0) != (quantity > 0.0) and abs(quantity) <= abs(position)


def _tripped(
    policy: RiskPolicy, state: RiskState, check: LimitCheck, streaks: tuple[int, ...]
) -> Iterator[LimitKind]:
    for kind, reading, streak in zip(LIMIT_KINDS, check.readings, streaks, strict=True):
        was_tripped = kind in state.tripped
        if reading.breached:
            if was_tripped or streak >= policy.persistence_of(kind):
                yield kind
        elif was_tripped and policy.latched(kind):
            yield kind


def _limit_state(policy: RiskPolicy, tripped: frozenset[LimitKind]) -> TradingState:
    state = TradingState.ACTIVE
    for kind in tripped:
        state = state.at_least(policy.response(kind))
    return state


def _limit_transitions(
    policy: RiskPolicy, before: RiskState, after: RiskState, check: LimitCheck, at: Moment
) -> Iterator[Transition]:
    for kind in LIMIT_KINDS:
        if (kind in after.tripped) != (kind in before.tripped):
            reason = _limit_reason(policy, check.reading(kind), after, kind)
            yield Transition(at, before.state, after.state, reason, kind)


def _limit_reason(
    policy: RiskPolicy, reading: LimitReading, after: RiskState, kind: LimitKind
) -> str:
    if kind in after.tripped:
        streak = after.streaks[kind.code]
        checks = f" for {streak} consecutive check{'s' if streak != 1 else ''}"
        return f"{reading.describe()}{checks}: {kind} tripped -> {policy.response(kind)}"
    return f"{reading.describe()}: {kind} cleared"


def _manual(before: RiskState, after: RiskState, reason: str, at: Moment) -> Step:
    if not reason.strip():
        raise ValueError("an operator's action needs a reason")
    return Step(after, (Transition(at, before.state, after.state, reason.strip()),))
