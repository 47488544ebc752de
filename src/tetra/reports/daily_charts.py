"""PNG charts of a daily report (matplotlib, Agg): email clients show neither SVG nor data URIs.

`charts(report)` returns ``{name: png bytes}`` for the names in `CHARTS`: the book's equity
(backtest curve, ledger points, benchmark rebased) over its drawdown, the positions'
weights, and the recommended orders' values. Rendering is deterministic for a payload
(no timestamps in the PNG metadata), so the same report gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from tetra.reports.daily import DailyReport

CHARTS = ("equity", "positions", "orders")
_METADATA = {"Software": None}
_BLUE, _GREY, _GREEN, _RED = "#1d4ed8", "#6b7280", "#15803d", "#b91c1c"


def charts(report: DailyReport) -> dict[str, bytes]:
    """Return every chart of `report` as PNG bytes, by name."""
    import matplotlib

    matplotlib.use("Agg")
    drawers: dict[str, Callable[[DailyReport], bytes]] = {
        "equity": _equity,
        "positions": _positions,
        "orders": _orders,
    }
    return {name: drawers[name](report) for name in CHARTS}


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=_METADATA, bbox_inches="tight")  # type: ignore[attr-defined]
    return buffer.getvalue()


def _equity(report: DailyReport) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    days = [p.session for p in report.curve]
    values = [p.backtest for p in report.curve]
    top.plot(days, values, color=_BLUE, linewidth=1.4, label="book (backtest)")
    bench = [(p.session, p.benchmark) for p in report.curve if p.benchmark is not None]
    if bench:
        top.plot(*zip(*bench, strict=True), color=_GREY, linewidth=1.0, label=report.benchmark)
    ledger = [(p.session, p.ledger) for p in report.curve if p.ledger is not None]
    if ledger:
        top.plot(*zip(*ledger, strict=True), "o", color=_GREEN, markersize=3, label="ledger")
    top.legend(loc="upper left", fontsize=7, frameon=False)
    top.set_title("Equity", fontsize=9)
    peak, drawdown = float("-inf"), []
    for value in values:
        peak = max(peak, value)
        drawdown.append(value / peak - 1.0 if peak > 0 else 0.0)
    bottom.fill_between(days, drawdown, 0.0, color=_RED, alpha=0.4, linewidth=0)
    bottom.set_ylabel("drawdown", fontsize=7)
    for axes in (top, bottom):
        axes.tick_params(labelsize=7)
    figure.autofmt_xdate()
    return _png(figure)


def _positions(report: DailyReport) -> bytes:
    from matplotlib.figure import Figure

    held = [p for p in report.positions if p.quantity != 0]
    figure = Figure(figsize=(6.4, max(1.6, 0.3 * len(held) + 0.8)), dpi=100)
    axes = figure.subplots()
    names = [p.symbol for p in held]
    weights = [p.weight for p in held]
    axes.barh(names, weights, color=[_BLUE if w >= 0 else _RED for w in weights])
    axes.set_title("Positions (weight of equity)", fontsize=9)
    axes.tick_params(labelsize=7)
    if not held:
        axes.text(0.5, 0.5, "no positions", ha="center", va="center", transform=axes.transAxes)
    return _png(figure)


def _orders(report: DailyReport) -> bytes:
    from matplotlib.figure import Figure

    orders = report.recommendations
    figure = Figure(figsize=(6.4, max(1.6, 0.3 * len(orders) + 0.8)), dpi=100)
    axes = figure.subplots()
    names = [r.symbol for r in orders]
    values = [float(r.notional) for r in orders]
    colours = [
        (_GREEN if v >= 0 else _RED) if r.allowed else _GREY
        for r, v in zip(orders, values, strict=True)
    ]
    axes.barh(names, values, color=colours)
    axes.set_title("Recommended orders (value; grey: blocked by risk)", fontsize=9)
    axes.tick_params(labelsize=7)
    if not orders:
        axes.text(0.5, 0.5, "no orders", ha="center", va="center", transform=axes.transAxes)
    return _png(figure)
