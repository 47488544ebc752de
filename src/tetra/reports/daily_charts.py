"""PNG charts of a daily report (matplotlib, Agg): email clients show neither SVG nor data URIs.

`charts(report)` returns ``{name: png bytes}`` for the names in `CHARTS`: the book's equity
(backtest curve, ledger points, benchmark rebased) over its drawdown, the largest positions'
weights, and the largest recommended orders' values (`TOP` of each: a bar per symbol of a
151-symbol book is unreadable in an email). Rendering is deterministic for a payload (no
timestamps in the PNG metadata), and the start- and end-of-day reports of one run share
their charts, so they are drawn once (a small cache keyed by the charted data).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from tetra.reports.daily import DailyReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHARTS = ("equity", "positions", "orders")
TOP = 20
_METADATA = {"Software": None}
_BLUE, _GREY, _GREEN, _RED = "#1d4ed8", "#6b7280", "#15803d", "#b91c1c"


def charts(report: DailyReport) -> dict[str, bytes]:
    """Return every chart of `report` as PNG bytes, by name."""
    charted = report.model_dump_json(
        include={"book", "benchmark", "curve", "positions", "recommendations"}
    )
    return dict(_drawn(charted))


@lru_cache(maxsize=8)
def _drawn(charted: str) -> tuple[tuple[str, bytes], ...]:
    import matplotlib

    matplotlib.use("Agg")
    report = DailyReport.model_construct(**_fields(json.loads(charted)))
    drawers: dict[str, Callable[[DailyReport], bytes]] = {
        "equity": _equity,
        "positions": _positions,
        "orders": _orders,
    }
    return tuple((name, drawers[name](report)) for name in CHARTS)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    from tetra.reports.daily import CurvePoint, PositionLine, RecommendationLine

    return {
        "book": data["book"],
        "benchmark": data["benchmark"],
        "curve": [CurvePoint.model_validate(p) for p in data["curve"]],
        "positions": [PositionLine.model_validate(p) for p in data["positions"]],
        "recommendations": [RecommendationLine.model_validate(r) for r in data["recommendations"]],
    }


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.subplots_adjust(left=0.14, right=0.98, top=0.9, bottom=0.12, hspace=0.15)
    figure.savefig(buffer, format="png", metadata=_METADATA)
    return buffer.getvalue()


def _title(text: str, shown: int, total: int) -> str:
    return text if shown == total else f"{text}: largest {shown} of {total}"


def _equity(report: DailyReport) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    days = list(range(len(report.curve)))  # positions, labelled with dates below (fast)
    values = [p.backtest for p in report.curve]
    top.plot(days, values, color=_BLUE, linewidth=1.4, label="book (backtest)")
    bench = [(i, p.benchmark) for i, p in enumerate(report.curve) if p.benchmark is not None]
    if bench:
        top.plot(*zip(*bench, strict=True), color=_GREY, linewidth=1.0, label=report.benchmark)
    ledger = [(i, p.ledger) for i, p in enumerate(report.curve) if p.ledger is not None]
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
    ticks = [int(i) for i in np.linspace(0, max(len(days) - 1, 0), 5)] if days else []
    bottom.set_xticks(ticks, [report.curve[i].session.strftime("%Y-%m-%d") for i in ticks])
    return _png(figure)


def _positions(report: DailyReport) -> bytes:
    from matplotlib.figure import Figure

    held = sorted((p for p in report.positions if p.quantity != 0), key=lambda p: -abs(p.weight))
    shown = len(held)
    held = held[:TOP]
    figure = Figure(figsize=(6.4, max(1.6, 0.22 * len(held) + 0.9)), dpi=100)
    axes = figure.subplots()
    names = [p.symbol for p in held]
    weights = [p.weight for p in held]
    axes.barh(names, weights, color=[_BLUE if w >= 0 else _RED for w in weights])
    axes.set_title(_title("Positions (weight of equity)", len(held), shown), fontsize=9)
    axes.invert_yaxis()
    axes.tick_params(labelsize=7)
    if not held:
        axes.text(0.5, 0.5, "no positions", ha="center", va="center", transform=axes.transAxes)
    return _png(figure)


def _orders(report: DailyReport) -> bytes:
    from matplotlib.figure import Figure

    orders = sorted(report.recommendations, key=lambda r: -abs(r.notional))[:TOP]
    figure = Figure(figsize=(6.4, max(1.6, 0.22 * len(orders) + 0.9)), dpi=100)
    axes = figure.subplots()
    names = [r.symbol for r in orders]
    values = [float(r.notional) for r in orders]
    colours = [
        (_GREEN if v >= 0 else _RED) if r.allowed else _GREY
        for r, v in zip(orders, values, strict=True)
    ]
    axes.barh(names, values, color=colours)
    title = _title(
        "Orders (value; grey: blocked by risk)", len(orders), len(report.recommendations)
    )
    axes.set_title(title, fontsize=9)
    axes.invert_yaxis()
    axes.tick_params(labelsize=7)
    if not orders:
        axes.text(0.5, 0.5, "no orders", ha="center", va="center", transform=axes.transAxes)
    return _png(figure)
