"""The pre-trade risk engine: every order passes its checks or is denied with a reason code.

Order of checks (the first failure is the verdict):

1. cancels always pass, whatever the state (a halt must never trap an order);
2. identity: a known book; a new client order id (account-unique for life: Alpaca's rule),
   or, for a modify, a known one; a symbol of the universe;
3. the order itself: positive quantity on the lot grid, the prices its type needs, positive
   and on the tick grid, a last close to value it against;
4. the book's trading state: HALTED denies all, REDUCING all but exposure-shrinking orders;
5. price band against the last close (fat finger), for every priced order;
6. for orders that add exposure only: max notional per order, buying power, then the
   position, group, theme, asset class, gross and net limits *after the fill*. Orders that
   shrink a position skip them: they are the way back, and a flatten must never be trapped;
7. the submit rate over a sliding window of the injected clock.

Exposure limits see positions plus this order, not other working orders; the order manager
feeds fills with `apply_fill`. Loss, drawdown and correlation limits act through the book's
trading state (`observe`), not per order. Kill switches come from a `KillSwitchBoard`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from decimal import ROUND_CEILING, Decimal

from tetra.core.clock import Clock
from tetra.data.universe import Universe
from tetra.risk.book import BookExposure, BookSnapshot
from tetra.risk.killswitch import GLOBAL_SCOPE, KillSwitchBoard
from tetra.risk.limits import LimitCheck
from tetra.risk.orders import (
    ALLOW,
    Decision,
    DenyCode,
    InstrumentSpec,
    OrderIntent,
    OrderType,
    Side,
    spec_for,
)
from tetra.risk.policy import RiskPolicy, packaged_universe
from tetra.risk.state import (
    OrderAction,
    RiskState,
    Transition,
    advance,
    begin_flatten,
    end_flatten,
    kill,
    reduces_exposure,
    resume,
)
from tetra.risk.vocabulary import LimitKind, TradingState

_NEEDS_LIMIT = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})
_NEEDS_STOP = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})
_DENY_CODES = {
    LimitKind.POSITION_WEIGHT: DenyCode.POSITION_LIMIT,
    LimitKind.GROUP_EXPOSURE: DenyCode.GROUP_LIMIT,
    LimitKind.THEME_EXPOSURE: DenyCode.THEME_LIMIT,
    LimitKind.ASSET_CLASS_EXPOSURE: DenyCode.ASSET_CLASS_LIMIT,
    LimitKind.GROSS_LEVERAGE: DenyCode.GROSS_LEVERAGE_LIMIT,
    LimitKind.NET_LEVERAGE: DenyCode.NET_LEVERAGE_LIMIT,
}


class PreTradeEngine:
    """Checks order intents of many books against one policy (see the module docstring)."""

    def __init__(
        self,
        policy: RiskPolicy,
        *,
        clock: Clock,
        kill_switches: KillSwitchBoard,
        universe: Universe | None = None,
    ) -> None:
        self.policy = policy
        self.kill_switches = kill_switches
        self._clock = clock
        self._universe = universe or packaged_universe()
        self._books: dict[str, BookExposure] = {}
        self._states: dict[str, RiskState] = {}
        self._specs: dict[str, InstrumentSpec] = {}
        self._client_ids: set[str] = set()
        self._submits: deque[float] = deque()
        self.journal: deque[Transition] = deque(maxlen=10_000)
        self._effective: dict[str, TradingState] = {}  # cache, cleared on every change
        self._max_notional = policy.orders.max_notional
        self._seen_switches = -1

    # -- books and states ----------------------------------------------------------------

    def set_book(self, book: str, snapshot: BookSnapshot) -> None:
        """Register or refresh a book's positions, equity, buying power and last closes."""
        self._books[book] = BookExposure(snapshot, self.policy, self._universe)
        self._states.setdefault(book, RiskState())

    def apply_fill(self, book: str, symbol: str, quantity: Decimal, price: Decimal) -> None:
        """Book a fill (signed quantity) so later checks see the new position."""
        self._books[book].apply_fill(symbol, quantity, price)

    def quantity_for_notional(self, book: str, symbol: str, notional: Decimal) -> Decimal | None:
        """Return the quantity a notional order is checked as: at the last close, up to the lot.

        Rounded *up* to whole lots (at least one), so the exposure checks never see less than
        the order can buy; None when the book has no last close for `symbol`.
        """
        exposure = self._books.get(book)
        price = None if exposure is None else exposure.prices.get(symbol)
        if price is None or price <= 0:
            return None
        lot = self._spec(symbol).lot_size
        lots = (notional / Decimal(repr(float(price))) / lot).to_integral_value(ROUND_CEILING)
        return max(lots, Decimal(1)) * lot

    def exposure(self, book: str) -> BookExposure:
        """Return the book's exposure view."""
        return self._books[book]

    def state(self, book: str) -> TradingState:
        """Return the book's effective state: flattening, else the strictest of its causes."""
        if self._seen_switches != self.kill_switches.version:
            self._effective.clear()
            self._seen_switches = self.kill_switches.version
        state = self._effective.get(book)
        if state is None:
            state = self._effective[book] = self._state_now(book)
        return state

    def _state_now(self, book: str) -> TradingState:
        risk = self._states.get(book, RiskState())
        if risk.flattening:
            return TradingState.REDUCING
        halted = self.kill_switches.halts(book)
        return TradingState.HALTED if halted else risk.state

    def observe(self, book: str, check: LimitCheck, at: object) -> tuple[Transition, ...]:
        """Fold a limit check into the book's state (persistence applies); return transitions."""
        step = advance(self.policy, self._states.get(book, RiskState()), check, at)
        return self._keep(book, step.state, step.transitions)

    def engage_kill_switch(self, scope: str, reason: str, by: str) -> None:
        """Halt `scope` (a book, or '*' for all) at once; stored, so it survives a restart."""
        self.kill_switches.set(scope, True, reason, by)
        for book in self._scope_books(scope):
            step = kill(self._states.get(book, RiskState()), reason, self._clock.now())
            self._keep(book, step.state, step.transitions)

    def release_kill_switch(self, scope: str, reason: str, by: str) -> None:
        """Lift `scope`'s switch; tripped limits still hold their books where they put them."""
        self.kill_switches.set(scope, False, reason, by)
        for book in self._scope_books(scope):
            step = resume(self._states.get(book, RiskState()), reason, self._clock.now())
            self._keep(book, step.state, step.transitions)

    def begin_flatten(self, book: str, reason: str) -> list[OrderIntent]:
        """Move `book` to REDUCING and return the orders that close it; they still get checked."""
        step = begin_flatten(self._states.get(book, RiskState()), reason, self._clock.now())
        self._keep(book, step.state, step.transitions)
        return list(self._closing_orders(book))

    def end_flatten(self, book: str, reason: str) -> None:
        """Leave flattening: the book returns to what its switch and limits call for."""
        step = end_flatten(self._states.get(book, RiskState()), reason, self._clock.now())
        self._keep(book, step.state, step.transitions)

    # -- the checks ----------------------------------------------------------------------

    def check(self, intent: OrderIntent) -> Decision:
        """Return the verdict on `intent`; an allowed submit or modify is counted and remembered."""
        if intent.action is OrderAction.CANCEL:
            return ALLOW
        decision = self._verdict(intent)
        if decision.allowed:
            self._client_ids.add(intent.client_order_id)
            if self.policy.orders.max_submits is not None:
                self._submits.append(self._clock.now().timestamp())
        return decision

    def _verdict(self, intent: OrderIntent) -> Decision:
        book = self._books.get(intent.book)
        if book is None:
            return Decision.deny(DenyCode.UNKNOWN_BOOK, f"no book {intent.book!r} is registered")
        first = self._identity(intent) or self._order_form(intent, book)
        if first is not None:
            return first
        price = _reference_price(intent, book)
        position = book.units.get(intent.symbol, 0.0)
        quantity = float(intent.quantity)
        reducing = reduces_exposure(position, quantity if intent.side is Side.BUY else -quantity)
        return (
            self._state_check(intent.book, reducing)
            or self._band_check(intent, book, price)
            or (None if reducing else self._exposure_checks(intent, book, price))
            or self._rate_check()
            or ALLOW
        )

    def _identity(self, intent: OrderIntent) -> Decision | None:
        known = intent.client_order_id in self._client_ids
        if intent.action is OrderAction.SUBMIT and known:
            return Decision.deny(
                DenyCode.DUPLICATE_CLIENT_ORDER_ID,
                f"client order id {intent.client_order_id!r} was used before",
            )
        if intent.action is OrderAction.MODIFY and not known:
            return Decision.deny(
                DenyCode.UNKNOWN_ORDER, f"no order {intent.client_order_id!r} to modify"
            )
        if intent.symbol not in self._universe:
            return Decision.deny(DenyCode.UNKNOWN_SYMBOL, f"{intent.symbol!r} is not tradable")
        return None

    def _order_form(self, intent: OrderIntent, book: BookExposure) -> Decision | None:
        spec = self._spec(intent.symbol)
        problem = _grid_problem(
            "quantity", intent.quantity, ("lot", spec.lot_size),
            DenyCode.QUANTITY_NOT_POSITIVE, DenyCode.QUANTITY_NOT_LOT_MULTIPLE,
        ) or _price_problem(intent, spec)  # fmt: skip
        if problem is not None:
            return problem
        if intent.symbol not in book.prices:
            return Decision.deny(
                DenyCode.NO_REFERENCE_PRICE, f"no last close for {intent.symbol} in the book"
            )
        return None

    def _state_check(self, book: str, reducing: bool) -> Decision | None:
        state = self.state(book)
        if state is TradingState.HALTED:
            return Decision.deny(DenyCode.TRADING_HALTED, f"book {book} is halted: cancels only")
        if state is TradingState.REDUCING and not reducing:
            return Decision.deny(
                DenyCode.TRADING_REDUCING,
                f"book {book} is reducing: only orders that shrink a position pass",
            )
        return None

    def _band_check(self, intent: OrderIntent, book: BookExposure, price: float) -> Decision | None:
        band, last = self.policy.orders.price_band, book.prices[intent.symbol]
        if band is not None and abs(price / last - 1.0) > band:
            return Decision.deny(
                DenyCode.PRICE_OUTSIDE_BAND,
                f"price {price:g} is {price / last - 1.0:+.1%} from the last close {last:g}; "
                f"the band is ±{band:.1%}",
            )
        return None

    def _exposure_checks(
        self, intent: OrderIntent, book: BookExposure, price: float
    ) -> Decision | None:
        notional = float(intent.quantity) * price
        cap = self._max_notional
        if cap is not None and notional > cap:
            return Decision.deny(
                DenyCode.NOTIONAL_ABOVE_MAX, f"notional {notional:,.2f} exceeds {cap:,.2f}"
            )
        if notional > book.buying_power:
            return Decision.deny(
                DenyCode.BUYING_POWER_EXCEEDED,
                f"notional {notional:,.2f} exceeds buying power {book.snapshot.buying_power:,.2f}",
            )
        found = book.first_breach(intent.symbol, float(intent.signed_quantity), price)
        if found is None:
            return None
        what = (
            f"{found.subject} weight"
            if found.kind is LimitKind.POSITION_WEIGHT
            else (f"{found.kind.value.removesuffix('_exposure').replace('_', ' ')} {found.subject}")
        )
        return Decision.deny(
            _DENY_CODES[found.kind],
            f"{what} would be {found.level:.2%}, above the cap {found.cap:.2%}",
        )

    def _rate_check(self) -> Decision | None:
        limit = self.policy.orders.max_submits
        if limit is None:
            return None
        window = self.policy.orders.per_seconds
        now = self._clock.now().timestamp()
        while self._submits and self._submits[0] <= now - window:
            self._submits.popleft()
        if len(self._submits) >= limit:
            return Decision.deny(
                DenyCode.RATE_LIMIT_EXCEEDED, f"{limit} orders in the last {window:g} s already"
            )
        return None

    # -- helpers -------------------------------------------------------------------------

    def _spec(self, symbol: str) -> InstrumentSpec:
        spec = self._specs.get(symbol)
        if spec is None:
            spec = self._specs[symbol] = spec_for(self._universe.get(symbol))
        return spec

    def _scope_books(self, scope: str) -> list[str]:
        return list(self._books) if scope == GLOBAL_SCOPE else [scope]

    def _keep(
        self, book: str, state: RiskState, transitions: tuple[Transition, ...]
    ) -> tuple[Transition, ...]:
        self._states[book] = state
        self._effective.clear()
        self.journal.extend(transitions)
        return transitions

    def _closing_orders(self, book: str) -> Iterator[OrderIntent]:
        stamp = int(self._clock.now().timestamp() * 1000)
        for symbol, quantity in sorted(self._books[book].positions.items()):
            if quantity:
                yield OrderIntent(
                    f"flatten-{book}-{symbol}-{stamp}",
                    book,
                    symbol,
                    Side.SELL if quantity > 0 else Side.BUY,
                    abs(quantity),
                )


def _reference_price(intent: OrderIntent, book: BookExposure) -> float:
    if intent.limit_price is not None and intent.order_type in _NEEDS_LIMIT:
        return float(intent.limit_price)
    if intent.stop_price is not None and intent.order_type in _NEEDS_STOP:
        return float(intent.stop_price)
    return book.prices[intent.symbol]


def _price_problem(intent: OrderIntent, spec: InstrumentSpec) -> Decision | None:
    """Return the first problem with the order's prices: missing, not positive, off the tick."""
    if intent.order_type is OrderType.MARKET and intent.limit_price is intent.stop_price is None:
        return None  # the common case, kept cheap
    return _one_price("limit price", intent.limit_price, intent.order_type in _NEEDS_LIMIT,
                      intent, spec) or _one_price(
        "stop price", intent.stop_price, intent.order_type in _NEEDS_STOP, intent, spec
    )  # fmt: skip


def _one_price(
    name: str, price: Decimal | None, required: bool, intent: OrderIntent, spec: InstrumentSpec
) -> Decision | None:
    if price is None:
        needs = f"a {intent.order_type} order needs a {name}"
        return Decision.deny(DenyCode.PRICE_MISSING, needs) if required else None
    return _grid_problem(
        name, price, ("tick", spec.tick_size),
        DenyCode.PRICE_NOT_POSITIVE, DenyCode.PRICE_NOT_TICK_MULTIPLE,
    )  # fmt: skip


def _grid_problem(
    name: str,
    value: Decimal,
    grid: tuple[str, Decimal],
    not_positive: DenyCode,
    off_grid: DenyCode,
) -> Decision | None:
    """Deny a value that is not a positive multiple of its grid step (a lot or a tick)."""
    if not (value.is_finite() and value > 0):
        return Decision.deny(not_positive, f"{name} {value} is not > 0")
    step_name, step = grid
    if value % step:
        return Decision.deny(
            off_grid, f"{name} {value} is not a multiple of the {step_name} {step}"
        )
    return None
