"""The day-ahead tables of a daily report: calendar, news, positions at risk, risk headroom.

Each is a `TableSpec` (title, headers, rows, numeric columns) that `daily_render` draws as
HTML and as text from the same strings, so both carry the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tetra.reports.daily import NEAR_STOP, DailyReport

Rows = list[list[str]]
TableSpec = tuple[str, Sequence[str], Rows, Sequence[int]]


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def signed(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:+,.2f}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def units(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def day_ahead_tables(report: DailyReport) -> list[TableSpec]:
    """Return the calendar and news tables (empty ones left out but the calendar)."""
    day = "-" if report.day is None else report.day.isoformat()
    calendar = [
        [c.time or "-", c.event + (" (held)" if c.held else ""), c.detail] for c in report.calendar
    ] or [["-", "nothing scheduled in the stored calendars", ""]]
    out: list[TableSpec] = [(f"Calendar of {day}", ("time", "event", "detail"), calendar, ())]
    if report.news:
        rows = [
            [n.symbol, f"{n.score:+.2f}", f"{n.published_at:%Y-%m-%d %H:%M}", n.title]
            for n in report.news
        ]
        out.append(
            (
                "News on held names (strongest sentiment)",
                ("symbol", "score", "UTC", "headline"),
                rows,
                (1,),
            )
        )
    return out


STOP_NAMES = {
    "stop_loss": "{:.4g}% from entry",
    "stop_loss_atr": "{:.4g} ATR from entry",
    "trailing_stop": "{:.4g}% trailing",
    "trailing_stop_atr": "{:.4g} ATR trailing",
}


def at_risk_table(report: DailyReport) -> TableSpec | None:
    """Return the positions at risk, else a line saying none is when the book has stops.

    None when nothing is at risk and the book declares no stops (only earnings were checked).
    """
    if not report.at_risk:
        return _none_at_risk(report)
    rows = [
        [
            a.symbol,
            units(a.quantity),
            money(a.close),
            money(a.entry),
            money(a.stop),
            percent(a.distance),
            "; ".join(a.reasons),
        ]
        for a in report.at_risk
    ]
    headers = ("symbol", "quantity", "close", "entry", "stop", "to stop", "why")
    return ("Positions at risk", headers, rows, range(1, 6))


def stop_text(stops: dict[str, float]) -> str:
    """Describe a book's stop rules, e.g. ``8% from entry, 10% trailing (the tighter)``."""
    parts = [
        STOP_NAMES[k].format(v * 100 if not k.endswith("_atr") else v) for k, v in stops.items()
    ]
    return ", ".join(parts) + (" (the tighter)" if len(parts) > 1 else "")


def _none_at_risk(report: DailyReport) -> TableSpec | None:
    if not report.stops:
        return None
    held = sum(p.quantity != 0 for p in report.positions)
    status = (
        f"none within {NEAR_STOP:.0%} of its stop, through it or reporting earnings"
        if held
        else "no position held"
    )
    near = report.nearest_stop
    if near is not None and near.stop is not None:
        status += (
            f"; nearest: {near.symbol}, {percent(near.distance)} from its stop {money(near.stop)}"
        )
    row = [f"{held} position(s)", stop_text(report.stops), status]
    return ("Positions at risk", ("held", "stops", "status"), [row], ())


def headroom_table(report: DailyReport) -> TableSpec | None:
    """Return the policy's limits with their use and headroom, or None without a policy."""
    if not report.risk.headroom:
        return None
    rows = [
        [h.limit, percent(h.used), percent(h.cap), percent(h.headroom), money(h.room)]
        for h in report.risk.headroom
    ]
    headers = ("limit", "used", "cap", "headroom", "room (money)")
    return ("Risk headroom", headers, rows, range(1, 5))


def run_issues_table(report: DailyReport) -> TableSpec | None:
    """Return the failed and missed scheduled runs of the week before, or None."""
    if not report.run_issues:
        return None
    rows = [[i.day.isoformat(), i.job, i.status, i.detail] for i in report.run_issues]
    return ("Missed and failed runs", ("day", "job", "status", "detail"), rows, ())


def open_orders_table(report: DailyReport) -> TableSpec | None:
    """Return the book's orders still working at a broker, or None when there are none."""
    if not report.open_orders:
        return None
    rows = [
        [
            o.symbol,
            o.side,
            units(o.quantity),
            units(o.filled),
            money(o.limit_price),
            o.status,
            f"{o.broker} {o.order_id[:8]}",
        ]
        for o in report.open_orders
    ]
    headers = ("symbol", "side", "quantity", "filled", "limit", "status", "order")
    return ("Pending: orders working at the broker", headers, rows, (2, 3, 4))
