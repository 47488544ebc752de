"""A small book and engine for the pre-trade tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.orders import OrderIntent, OrderType, Side
from tetra.risk.policy import RiskPolicy
from tetra.risk.pretrade import PreTradeEngine
from tetra.testing import InMemoryStore

D = Decimal
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)

POLICY = RiskPolicy(
    max_position_weight=0.20,
    group_caps={"crypto": 0.10},
    theme_caps={"semiconductors": 0.25},
    max_gross_leverage=1.0,
    max_net_leverage=0.9,
    orders={"max_notional": 150_000, "price_band": 0.10, "max_submits": 5, "per_seconds": 1},
)

# equity 1,000,000: SPY 15 %, NVDA 18 %, BTC 5 %, short QQQ 5 %: gross 43 %, net 33 %
BOOK = BookSnapshot(
    equity=D(1_000_000),
    buying_power=D(400_000),
    positions={"SPY": D(300), "NVDA": D(1500), "BTC": D("0.5"), "QQQ": D(-100)},
    last_close={
        "SPY": D(500),
        "NVDA": D(120),
        "BTC": D(100_000),
        "QQQ": D(500),
        "AAPL": D(200),
        "ETH": D(4000),
        "AMD": D(100),
        "TLT": D(90),
    },
)


def engine(policy: RiskPolicy = POLICY, store: InMemoryStore | None = None) -> PreTradeEngine:
    clock = FixedClock(START)
    backing = store or _store()
    made = PreTradeEngine(policy, clock=clock, kill_switches=KillSwitchBoard(backing, clock))
    made.set_book("core", BOOK)
    return made


def _store() -> InMemoryStore:
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return store


_counter = iter(range(1_000_000))


def order(
    symbol: str,
    side: str,
    quantity: str,
    kind: str = "market",
    limit: str | None = None,
    stop: str | None = None,
    **extra: object,
) -> OrderIntent:
    return OrderIntent(
        str(extra.pop("client_order_id", f"o-{next(_counter)}")),
        str(extra.pop("book", "core")),
        symbol,
        Side(side),
        D(quantity),
        OrderType(kind),
        D(limit) if limit is not None else None,
        D(stop) if stop is not None else None,
        **extra,  # type: ignore[arg-type]
    )
