"""Execution benchmarks: order-manager throughput and latency, and reconciliation time.

Run: ``python -m benchmarks.execution.run`` (or ``make bench-execution``). Prints one JSON row
per benchmark and writes them to ``benchmarks/results/execution-<time>.json``; exits 1 when a
correctness gate fails (every order acknowledged and filled once; a clean reconciliation).

- ``oms_paper_one_by_one``: 1,000 market orders, one `submit` each, on a DuckDB store,
  through the paper broker: orders/s submitted, acknowledged and filled; p50/p99 latency from
  the decision (the call) to the acknowledgment (its return);
- ``oms_paper_batch``: the same orders as a daily cycle sends them, `submit_many` per 150;
- ``oms_alpaca_loopback``: 300 orders one by one through the Alpaca adapter and FakeAlpaca
  over HTTP on loopback;
- ``reconcile_150_positions_1000_orders``: 850 filled orders over 150 symbols plus 150 working
  limit orders, then one reconciliation against the paper broker.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tetra.adapters.brokers.alpaca import AlpacaBroker, AlpacaConfig
from tetra.adapters.brokers.paper import PaperBroker
from tetra.adapters.stores import open_store
from tetra.core.clock import SystemClock
from tetra.execution import (
    Broker,
    ExecutionJournal,
    OrderManager,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    reconcile,
)
from tetra.execution.orders import TimeInForce
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.policy import RiskPolicy, packaged_universe
from tetra.risk.pretrade import PreTradeEngine
from tetra.testing.brokers.alpaca import KEY_ID, SECRET, FakeAlpaca

RESULTS = Path(__file__).resolve().parents[1] / "results"
PRICE = Decimal(100)


def symbols(count: int) -> list[str]:
    return [instrument.symbol for instrument in packaged_universe()][:count]


def manager(store: Any, broker: Broker, names: list[str]) -> OrderManager:
    clock = SystemClock()
    risk = PreTradeEngine(RiskPolicy(), clock=clock, kill_switches=KillSwitchBoard(store, clock))
    prices = dict.fromkeys(names, PRICE)
    risk.set_book("core", BookSnapshot(Decimal(10**9), Decimal(10**9), {}, prices))
    return OrderManager(ExecutionJournal(store), {broker.name: broker}, risk, clock=clock)


def paper(names: list[str]) -> PaperBroker:
    broker = PaperBroker(SystemClock())
    for name in names:
        broker.set_price(name, PRICE)
    return broker


def requests(names: list[str], count: int) -> list[OrderRequest]:
    return [OrderRequest("core", names[i % len(names)], Side.BUY, Decimal(1)) for i in range(count)]


def one_by_one(
    oms: OrderManager, orders: list[OrderRequest]
) -> tuple[float, list[float], list[Any]]:
    latencies, placed = [], []
    start = time.perf_counter()
    for request in orders:
        began = time.perf_counter()
        placed.append(oms.submit(request))
        latencies.append(time.perf_counter() - began)
    oms.journal.flush()
    return time.perf_counter() - start, latencies, placed


def summary(name: str, seconds: float, latencies: list[float], placed: list[Any]) -> dict[str, Any]:
    ordered = sorted(latencies)
    filled = sum(o.status is OrderStatus.FILLED for o in placed)
    row = {
        "benchmark": name,
        "orders": len(placed),
        "seconds": round(seconds, 3),
        "orders_per_second_submitted_acknowledged_filled": round(len(placed) / seconds, 1),
        "correct": filled == len(placed),
    }
    if ordered:
        row["p50_ms_decision_to_ack"] = round(ordered[len(ordered) // 2] * 1000, 2)
        row["p99_ms_decision_to_ack"] = round(ordered[int(len(ordered) * 0.99)] * 1000, 2)
    return row


def with_store(run: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.duckdb")
        try:
            return run(store)
        finally:
            store.close()


def bench_paper_one_by_one(store: Any) -> dict[str, Any]:
    names = symbols(150)
    oms = manager(store, paper(names), names)
    return summary("oms_paper_one_by_one", *one_by_one(oms, requests(names, 1000)))


def bench_paper_batch(store: Any) -> dict[str, Any]:
    names = symbols(150)
    oms = manager(store, paper(names), names)
    orders, placed = requests(names, 1000), []
    start = time.perf_counter()
    for first in range(0, len(orders), 150):
        placed.extend(oms.submit_many(orders[first : first + 150]))
    return summary("oms_paper_batch", time.perf_counter() - start, [], placed)


def bench_alpaca(store: Any) -> dict[str, Any]:
    names = symbols(150)
    with FakeAlpaca(SystemClock()) as fake:
        fake.venue.prices.update(dict.fromkeys(names, PRICE))
        config = AlpacaConfig(KEY_ID, SECRET, base_url=fake.base_url)
        oms = manager(store, AlpacaBroker(config, SystemClock()), names)
        return summary("oms_alpaca_loopback", *one_by_one(oms, requests(names, 300)))


def bench_reconcile(store: Any) -> dict[str, Any]:
    names = symbols(150)
    broker = paper(names)
    oms = manager(store, broker, names)
    filled = requests(names, 850)
    working = [
        OrderRequest(
            "core", name, Side.BUY, Decimal(1), OrderType.LIMIT, TimeInForce.GTC, Decimal(50)
        )
        for name in names
    ]
    for first in range(0, 1000, 150):
        oms.submit_many((filled + working)[first : first + 150])
    start = time.perf_counter()
    result = reconcile(oms, broker.name, "start_of_day", SystemClock())
    seconds = time.perf_counter() - start
    return {
        "benchmark": "reconcile_150_positions_1000_orders",
        "positions": len(broker.positions()),
        "orders": len(oms.journal.orders()),
        "open_orders": len(broker.open_orders()),
        "seconds": round(seconds, 3),
        "differences": len(result.differences),
        "correct": result.clean and len(broker.positions()) == 150,
    }


def main() -> int:
    rows = [
        with_store(bench_paper_one_by_one),
        with_store(bench_paper_batch),
        with_store(bench_alpaca),
        with_store(bench_reconcile),
    ]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"execution-{stamp}.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    for row in rows:
        print(json.dumps(row))
    return 0 if all(row["correct"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
