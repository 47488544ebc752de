"""A book's strategies as sleeves: each runs on its share of capital and yields target positions.

A sleeve is one strategy of a book backtested from the book's anchor date to the session,
with cash = capital x weight. Orders a strategy decides at the session's close fill from the
next bar on, so the sleeve runs on the market plus one *flat bar* (open = high = low = close
= the session's close) dated the next day: the positions after that bar are the sleeve's
targets for tomorrow, valued at today's close. Strategies are causal (the library's
truncation tests), so the flat bar changes no decision made up to the session. Given a
`Membership` (a book's group members, `tetra.cycle.members`), every sleeve runs under
`MembersOnly`: it enters a symbol only while a member and closes it at the next open after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.portfolio import Book, StrategyAllocation
from tetra.risk.policy import RiskPolicy
from tetra.risk.sizing_policy import SizingPolicy, SizingPolicyError, parse_sizing
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Commission, Costs, TradingRules
from tetra.strategy.base import Strategy
from tetra.strategy.membership import Membership, MembersOnly
from tetra.strategy.spec import SpecInputs, SpecRejected, StrategySpec
from tetra.strategy.spec.sleeve import SPEC_STRATEGY, compile_sleeve, read_spec_params

Registry = Mapping[str, type[Strategy[Any]]]
# what a spec sleeve's conditions read beyond bars (economic series, event dates), by spec
SpecInputsOf = Callable[[StrategySpec], SpecInputs]
FEE_BASIS_POINTS = 1.0  # the commission both the sleeves' backtests and paper fills charge
COSTS = Costs(commission=Commission(basis_points=FEE_BASIS_POINTS))


@dataclass(frozen=True)
class Sleeve:
    """One strategy's run up to the session: targets, today's decisions, its backtest."""

    allocation: StrategyAllocation
    strategy: Strategy[Any]
    result: BacktestResult  # on the market plus the flat bar
    held: np.ndarray  # (N,) positions at the session's close
    targets: np.ndarray  # (N,) positions after today's decisions fill

    @property
    def today(self) -> int:
        """Row of the session in the sleeve's market (the flat bar is the row after)."""
        return self.result.market.shape[0] - 2


def build_strategy(
    allocation: StrategyAllocation,
    registry: Registry,
    cash: float,
    spec_inputs: SpecInputsOf | None = None,
) -> Any:
    """Instantiate a book's strategy; its `cash` parameter defaults to the sleeve's capital.

    A `strategy_spec` sleeve (a rule spec approved from a strategy conversation) is compiled
    from its spec (`tetra.strategy.spec.sleeve`), reading its extra inputs through
    `spec_inputs` (none without it: a macro filter then never passes, an event filter blocks
    nothing); any other name is looked up in `registry` (the name is reserved).
    """
    if allocation.strategy == SPEC_STRATEGY:
        spec = book_spec(allocation)
        return compile_sleeve(spec, spec_inputs(spec) if spec_inputs is not None else None)
    kind = registry.get(allocation.strategy)
    if kind is None:
        known = ", ".join(sorted({*registry, SPEC_STRATEGY}))
        raise ValidationError(f"unknown strategy {allocation.strategy!r}; the library has {known}")
    params = dict(allocation.params)
    if "cash" in kind.Config.model_fields and "cash" not in params:
        params["cash"] = cash
    try:
        return kind(**params)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise ValidationError(f"strategy {allocation.label!r}: {error}") from None


def book_spec(allocation: StrategyAllocation) -> StrategySpec:
    """Return the spec of a `strategy_spec` sleeve, or raise `ValidationError` naming the
    parameter at fault (``strategy <label>: params.spec.<field>: ...``)."""
    try:
        return read_spec_params(allocation.params)
    except SpecRejected as rejected:
        reasons = "; ".join(f"params.{reason}" for reason in rejected.reasons)
        raise ValidationError(f"strategy {allocation.label!r}: {reasons}") from None


def check_book(book: Book, registry: Registry, known_symbols: set[str]) -> None:
    """Raise `ValidationError` naming an unknown strategy, bad parameters or unknown symbols."""
    for allocation in book.strategies:
        build_strategy(allocation, registry, float(book.capital * allocation.weight))
        if allocation.strategy == SPEC_STRATEGY:
            _check_spec_symbols(book, allocation)
    book_exits(book)
    book_sizing(book)
    unknown = sorted(set(book.symbols) - known_symbols)
    if unknown:
        raise ValidationError(f"book {book.name!r}: unknown symbol(s) {', '.join(unknown)}")


def _check_spec_symbols(book: Book, allocation: StrategyAllocation) -> None:
    missing = [s for s in book_spec(allocation).referenced_symbols() if s not in book.symbols]
    if missing:
        raise ValidationError(
            f"strategy {allocation.label!r}: params.spec.symbols: {', '.join(missing)} "
            f"not in book {book.name!r}'s symbols"
        )


def book_exits(book: Book) -> Exits | None:
    """Return the exit rules `book` declares (stops of its sleeves), None when it has none."""
    if not book.exits:
        return None
    whole = {"time_exit", "atr_window"}
    values = {k: int(v) if k in whole else v for k, v in book.exits.items()}
    try:
        return Exits(**values)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ValidationError(f"book {book.name!r}: exits.{error}") from None


def book_sizing(book: Book, policy: RiskPolicy | None = None) -> SizingPolicy | None:
    """Return how `book`'s sleeves size entries: its `sizing`, else its policy's table.

    Weights are of each sleeve's own equity (its share of the book's capital).
    """
    if not book.sizing:
        return policy.sizing if policy is not None else None
    try:
        return parse_sizing(book.sizing)
    except SizingPolicyError as error:
        raise ValidationError(f"book {book.name!r}: sizing.{error}") from None


def run_sleeves(
    book: Book,
    market: MarketData,
    registry: Registry,
    rules: TradingRules,
    sizing: SizingPolicy | None = None,
    spec_inputs: SpecInputsOf | None = None,
    membership: Membership | None = None,
) -> list[Sleeve]:
    """Run every strategy of `book` on `market` (ending at the session) with the flat bar.

    `sizing` sizes every sleeve's entries (`book_sizing` says which policy a book names);
    `spec_inputs` gives spec sleeves their inputs (`build_strategy`); with `membership`, a
    sleeve enters a symbol only while a member (`MembersOnly`).
    """
    extended = with_flat_bar(market)
    exits = book_exits(book)
    if membership is not None and membership.mask(extended).all():
        membership = None  # every symbol in on every day: nothing to hold back
    rest = (registry, rules, exits, sizing, spec_inputs, membership)
    return [_sleeve(book, allocation, extended, *rest) for allocation in book.strategies]


def _sleeve(
    book: Book,
    allocation: StrategyAllocation,
    market: MarketData,
    registry: Registry,
    rules: TradingRules,
    exits: Exits | None,
    sizing: SizingPolicy | None,
    spec_inputs: SpecInputsOf | None,
    membership: Membership | None = None,
) -> Sleeve:
    cash = float(book.capital * allocation.weight)
    strategy = build_strategy(allocation, registry, cash, spec_inputs)
    # the sleeve keeps the strategy itself: its reasoning reads the strategy's indicators
    runs = strategy if membership is None else MembersOnly(strategy, membership)
    result = run_backtest(
        runs,
        market,
        cash=cash,
        costs=COSTS,
        rules=rules,
        exits=exits,
        sizing=sizing,
        guards=False,
    )
    positions = result.output.positions
    return Sleeve(allocation, strategy, result, positions[-2].copy(), positions[-1].copy())


def with_flat_bar(market: MarketData) -> MarketData:
    """Return `market` plus one bar dated the next day at the last known close of each symbol."""
    if market.shape[0] == 0:
        raise ValidationError("no bars to run the cycle on")
    last = _last_close(market.close)
    day = market.dates[-1] + np.timedelta64(1, "D")
    ones, zeros = np.ones_like(last), np.zeros_like(last)
    volume = np.nan_to_num(market.volume[-1], nan=0.0)
    rows = {
        "open": last,
        "high": last,
        "low": last,
        "close": last,
        "volume": volume,
        "split_ratio": ones,
        "dividend": zeros,
    }
    arrays = {k: np.vstack([getattr(market, k), v[None, :]]) for k, v in rows.items()}
    dates = np.append(market.dates, day)
    return MarketData(dates, market.symbols, adjustment=market.adjustment, **arrays)


def _last_close(close: np.ndarray) -> np.ndarray:
    seen = np.isfinite(close)
    rows = np.where(seen, np.arange(close.shape[0])[:, None], -1).max(axis=0)
    picked = close[np.maximum(rows, 0), np.arange(close.shape[1])]
    return np.where(rows >= 0, picked, np.nan)


def session_of(market: MarketData) -> dt.date:
    """Return the last date of `market` as a `datetime.date`."""
    return dt.date.fromisoformat(str(market.dates[-1].astype("datetime64[D]")))
