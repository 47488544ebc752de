"""Pre-trade checks per second for a 150-position book, gated by an independent evaluation.

The book holds 150 symbols of the universe (crypto included); 200,000 orders of random
symbols, sides, sizes and types go through `PreTradeEngine.check` on one core. Every check
runs the whole path (identity, lot and tick, band, notional, buying power, position,
group, theme, asset-class, gross and net limits, rate limit, state). Gate: for 3,000 of the
orders the verdict must equal an independent one: the post-fill weights measured by
`LimitEvaluator` (the numba measures the backtest kernels share) against the same caps.
Target (issue #11): >= 100,000 checks/s.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import numpy as np

from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.limits import LimitEvaluator
from tetra.risk.orders import OrderIntent, OrderType, Side
from tetra.risk.policy import RiskPolicy
from tetra.risk.pretrade import PreTradeEngine
from tetra.risk.state import reduces_exposure
from tetra.risk.vocabulary import LimitKind
from tetra.testing import InMemoryStore

ORDERS = 200_000
GATED = 3_000
TARGET = 100_000.0
EQUITY = 10_000_000.0
POLICY = RiskPolicy(
    max_position_weight=0.012,
    group_caps={"crypto": 0.06, "growth_stocks": 0.25},
    theme_caps={"semiconductors": 0.06, "nuclear": 0.03},
    asset_class_caps={"equity": 0.6},
    max_gross_leverage=1.05,
    max_net_leverage=1.0,
    orders={"max_notional": 150_000, "price_band": 0.05},
)


def book(rng: np.random.Generator) -> tuple[tuple[str, ...], BookSnapshot, set[str]]:
    """Return 150 symbols, a book holding each at ~0.6 % of equity, and the crypto symbols."""
    universe = load_universe()
    symbols = universe.symbols[:150]
    crypto = {s for s in symbols if str(universe.get(s).asset_class) == "crypto"}
    prices = {s: Decimal(f"{rng.uniform(20, 400):.2f}") for s in symbols}
    positions = {
        s: (Decimal(f"{0.006 * EQUITY / float(prices[s]):.8f}") if s in crypto
            else Decimal(int(0.006 * EQUITY / float(prices[s]))))
        for s in symbols
    }  # fmt: skip
    snapshot = BookSnapshot(Decimal(int(EQUITY)), Decimal(4_000_000), positions, prices)
    return symbols, snapshot, crypto


def orders(
    rng: np.random.Generator, symbols: tuple[str, ...], snapshot: BookSnapshot, crypto: set[str]
) -> list[OrderIntent]:
    """Random orders on the tick and lot grids, inside the band, mostly under the notional cap."""
    picks = rng.integers(0, len(symbols), ORDERS)
    sides = rng.random(ORDERS) < 0.6
    values = rng.uniform(5_000, 160_000, ORDERS)
    limits = rng.random(ORDERS) < 0.5
    made = []
    for k in range(ORDERS):
        symbol = symbols[picks[k]]
        price = snapshot.last_close[symbol]
        units = values[k] / float(price)
        quantity = Decimal(f"{units:.8f}") if symbol in crypto else Decimal(max(1, int(units)))
        limit = (price * Decimal("1.01")).quantize(Decimal("0.01")) if limits[k] else None
        made.append(OrderIntent(
            f"bench-{k}", "core", symbol, Side.BUY if sides[k] else Side.SELL, quantity,
            OrderType.LIMIT if limit is not None else OrderType.MARKET, limit,
        ))  # fmt: skip
    return made


def engine() -> PreTradeEngine:
    clock = FixedClock(dt.datetime(2025, 12, 31, 15, tzinfo=dt.UTC))
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return PreTradeEngine(POLICY, clock=clock, kill_switches=KillSwitchBoard(store, clock))


def expected_allowed(
    evaluator: LimitEvaluator, snapshot: BookSnapshot, intent: OrderIntent
) -> bool:
    """The verdict from first principles: post-fill weights measured by `LimitEvaluator`.

    An order adding exposure is denied when it is over the notional cap or the buying power,
    or when any limit is over its cap after the fill and the fill made it larger.
    """
    price = float(intent.limit_price or snapshot.last_close[intent.symbol])
    position = float(snapshot.positions[intent.symbol])
    quantity = float(intent.signed_quantity)
    if reduces_exposure(position, quantity):
        return True
    notional = abs(quantity) * price
    if notional > 150_000 or notional > float(snapshot.buying_power):
        return False
    symbols = evaluator.symbols
    before = np.array([float(snapshot.positions[s] * snapshot.last_close[s]) for s in symbols])
    after = before.copy()
    after[symbols.index(intent.symbol)] += quantity * price
    was_rows, now = _readings(evaluator, before / EQUITY), _readings(evaluator, after / EQUITY)
    return not any(
        reading.breached and reading.value > _value(was_rows.get(key)) + 1e-12
        for key, reading in now.items()
    )


def _value(reading: Any) -> float:
    return 0.0 if reading is None else float(reading.value)


def _readings(evaluator: LimitEvaluator, weights: np.ndarray) -> dict[tuple[str, str], Any]:
    rows = {(r.kind.value, r.subject): r for r in evaluator.usage_table(weights)}
    check = evaluator.check(weights, [EQUITY])
    for kind in (LimitKind.GROSS_LEVERAGE, LimitKind.NET_LEVERAGE):
        rows[(kind.value, "")] = check.reading(kind)
    return rows


def run() -> dict[str, object]:
    """Time the checks and gate them; return the result row."""
    rng = np.random.default_rng(11)
    symbols, snapshot, crypto = book(rng)
    intents = orders(rng, symbols, snapshot, crypto)
    checks = engine()
    checks.set_book("core", snapshot)
    started, cpu = time.perf_counter(), time.process_time()
    decisions = [checks.check(intent) for intent in intents]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    verdicts = [decision.allowed for decision in decisions]
    codes = Counter(str(d.code) for d in decisions if d.code is not None)
    evaluator = LimitEvaluator(POLICY, symbols)
    gate = [expected_allowed(evaluator, snapshot, intents[k]) == verdicts[k] for k in range(GATED)]
    rate = ORDERS / cpu_seconds  # one core's work: the machine is shared, wall time is noisy
    return {
        "benchmark": "pre-trade checks, 150-position book",
        "orders": ORDERS,
        "wall_seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "checks_per_cpu_second": round(rate),
        "checks_per_wall_second": round(ORDERS / seconds),
        "allowed_share": round(sum(verdicts) / ORDERS, 3),
        "denials": dict(codes.most_common()),
        "correct": all(gate),
        "gated_orders": GATED,
        "meets_target": all(gate) and rate >= TARGET,
    }
