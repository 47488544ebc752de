"""The end-of-day report: fills against their decision price, the day's data run, what is
pending for tomorrow (recommended orders, orders working at a broker)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from cycle_fixtures import context, crossover_book, market_rows, sessions

from tetra.cycle import run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.execution import ExecutionJournal
from tetra.execution.orders import Order, OrderStatus, OrderType, Side, TimeInForce
from tetra.reports.daily_render import render_html, render_text, signed

SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21, 19]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16, 15]


def test_eod_fills_carry_their_slippage_and_tomorrows_work_is_listed() -> None:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book("paper"))
    days = sessions(12)
    rows = market_rows({"SPY": SPY, "QQQ": QQQ})
    gap = rows["ts"] == pd.Timestamp(days[-2], tz="UTC")
    rows.loc[gap, "open"] += 0.25  # the day opens 25 cents above the decision price (the close)
    ctx.store.upsert("market_data.ohlcv", rows[gap])
    run_cycle(ctx, "swing", days[-4])
    working = Order(
        client_order_id="0b7c1d2e-aaaa-bbbb-cccc-000000000001",
        book="swing",
        broker="paper",
        symbol="QQQ",
        side=Side.SELL,
        quantity=Decimal(40),
        order_type=OrderType.LIMIT,
        time_in_force=TimeInForce.GTC,
        created_at=dt.datetime(2024, 1, 15, 15, tzinfo=dt.UTC),
        updated_at=dt.datetime(2024, 1, 15, 15, tzinfo=dt.UTC),
        limit_price=Decimal("16.5"),
        status=OrderStatus.ACCEPTED,
        filled_quantity=Decimal(10),
    )
    journal = ExecutionJournal(ctx.store)
    journal.persist([working])
    journal.flush()
    run_cycle(ctx, "swing", days[-3])

    result = run_cycle(ctx, "swing", days[-2])
    report = build_report(ctx, result, "eod")

    booked = [f for f in ctx.books.fills("swing") if f.session == days[-2]]
    assert booked  # yesterday's recommendations filled at today's open
    assert [(f.symbol, f.decision_price, f.slippage) for f in report.fills] == [
        (f.symbol, f.decision_price, f.slippage) for f in booked
    ]
    for f in report.fills:
        assert f.decision_price is not None
        assert f.slippage == (f.price - f.decision_price) * f.quantity
        assert f.slippage == Decimal("0.25") * f.quantity != 0
    assert [(o.symbol, o.side, o.quantity, o.filled) for o in report.open_orders] == [
        ("QQQ", "sell", Decimal(40), Decimal(10))
    ]
    text = render_text(report)
    html = render_html(report, lambda name: f"cid:{name}")
    for needle in (
        "Fills against the decision price",
        *(signed(f.slippage) for f in report.fills),
        "Pending for tomorrow: recommended orders",
        "Pending: orders working at the broker",
        "16.50",
    ):
        assert needle in text, needle
        assert needle in html, needle
    sod = render_text(build_report(ctx, result, "sod"))
    assert "Pending for tomorrow" not in sod.split("Recommendations")[0]
