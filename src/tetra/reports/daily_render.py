"""Render a daily report to HTML (styles inlined on every element) and to plain text.

The same numbers go to both: money with two decimals and thousands separators, ratios as
percentages. `render_html` takes how an image is referenced: ``cid:<name>`` for email,
a data URI or an API URL for the web. The layout is one column, 640 px at most, so it
reads on a phone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from tetra.reports.daily import DailyReport, Reason, RecommendationLine
from tetra.reports.daily_charts import CHARTS
from tetra.reports.daily_tables import (
    Rows,
    TableSpec,
    at_risk_table,
    day_ahead_tables,
    headroom_table,
    money,
    open_orders_table,
    percent,
    run_issues_table,
    signed,
    units,
)

__all__ = [
    "money",
    "order_head",
    "percent",
    "render_html",
    "render_text",
    "signed",
    "tables",
    "units",
]

_BODY = (
    "margin:0;padding:12px;background:#f8fafc;font-family:Arial,Helvetica,sans-serif;color:#111827"
)
_BOX = "max-width:640px;margin:0 auto;background:#ffffff;padding:16px;border:1px solid #e5e7eb"
_H1 = "font-size:20px;margin:0 0 8px 0"
_H2 = "font-size:15px;margin:18px 0 6px 0;border-bottom:1px solid #e5e7eb;padding-bottom:4px"
_P = "font-size:13px;line-height:1.5;margin:6px 0"
_TABLE = "border-collapse:collapse;width:100%;font-size:12px"
_TH = "text-align:left;padding:4px 6px;background:#f1f5f9;border-bottom:1px solid #e5e7eb"
_TD = "padding:4px 6px;border-bottom:1px solid #f1f5f9;vertical-align:top"
_NUM = _TD + ";text-align:right;white-space:nowrap"
_IMG = "display:block;width:100%;max-width:640px;height:auto;margin:6px 0"
_SMALL = "font-size:11px;color:#4b5563;margin:2px 0"


def render_html(report: DailyReport, image: Callable[[str], str]) -> str:
    """Return the report as one HTML document; `image(name)` gives each chart's src."""
    sections = [
        f'<h1 style="{_H1}">{escape(report.title)}</h1>',
        f'<p style="{_P}">{escape(report.summary)}</p>',
        *(f'<p style="{_SMALL}">{escape(n)}</p>' for n in summary_notes(report)),
        *(_section(title, body) for title, body in _sections(report)),
        f'<h2 style="{_H2}">Charts</h2>',
        *(
            f'<img src="{escape(image(name))}" alt="{name} chart" width="640" style="{_IMG}">'
            for name in CHARTS
        ),
    ]
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(report.title)}</title></head>"
        f'<body style="{_BODY}"><div style="{_BOX}">{"".join(sections)}</div></body></html>'
    )


def render_text(report: DailyReport) -> str:
    """Return the report as plain text with the same numbers as the HTML."""
    lines = [report.title, "=" * len(report.title), report.summary, *summary_notes(report), ""]
    for title, rows in _text_sections(report):
        lines += [title, "-" * len(title), *rows, ""]
    return "\n".join(lines)


def summary_notes(report: DailyReport) -> list[str]:
    """Return who wrote the summary when a model did, and why a model's text was not used."""
    notes = []
    if report.summary_by != "template":
        notes.append(f"Summary written by {report.summary_by} from the report's numbers (checked).")
    if report.summary_note:
        notes.append(f"Note: {report.summary_note}.")
    return notes


def tables(report: DailyReport) -> list[TableSpec]:
    """Return the report's tables as (title, headers, rows, numeric columns), in order."""
    v = report.valuation
    book = [money(x) for x in (v.equity, v.cash, v.market_value, v.realised, v.unrealised, v.fees)]
    out: list[TableSpec] = [
        (
            "Book",
            ("equity", "cash", "market value", "realised", "unrealised", "fees"),
            [book],
            range(6),
        )
    ]
    if report.pnl is not None:
        p = report.pnl
        day = [signed(p.total), signed(p.realised), signed(p.unrealised_change), money(p.fees)]
        out.append(
            ("P&L of the day", ("total", "realised", "unrealised change", "fees"), [day], range(4))
        )
    out.append(("Positions", *_position_rows(report), range(1, 6)))
    out += [t for t in (at_risk_table(report), open_orders_table(report)) if t is not None]
    if report.fills:
        out.append(("Fills against the decision price", *_fill_rows(report), range(1, 6)))
    out.append(("Market", *_mover_rows(report), (1, 2)))
    out += day_ahead_tables(report)
    out.append(("Risk", *_risk_rows(report), (1,)))
    out += [t for t in (headroom_table(report), run_issues_table(report)) if t is not None]
    if report.pnl_by_strategy:
        rows = [[k, f"{x:+,.2f}"] for k, x in report.pnl_by_strategy.items()]
        out.append(
            ("By strategy (sleeve backtest P&L of the day)", ("strategy", "P&L"), rows, (1,))
        )
    if report.world:
        rows = [[w.label, w.value, w.note] for w in report.world]
        out.append(("Geopolitics", ("what", "value", "note"), rows, ()))
    return out


def _sections(report: DailyReport) -> list[tuple[str, str]]:
    specs = tables(report)
    place = 2 if report.pnl is not None else 1
    out = [(title, _table(headers, rows, numeric)) for title, headers, rows, numeric in specs]
    out.insert(place, (recommendations_title(report), _recommendations(report.recommendations)))
    notes = report.data_quality + report.warnings
    if notes:
        body = "".join(f'<p style="{_P}">{escape(n)}</p>' for n in notes)
        out.append(("Data quality and warnings", body))
    return out


def recommendations_title(report: DailyReport) -> str:
    """Return the recommendations' heading: at the end of the day they are tomorrow's work."""
    return "Recommendations" if report.kind == "sod" else "Pending for tomorrow: recommended orders"


def _section(title: str, body: str) -> str:
    return f'<h2 style="{_H2}">{escape(title)}</h2>{body}'


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] | range = ()
) -> str:
    head = "".join(f'<th style="{_TH}">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{_NUM if i in numeric else _TD}">{escape(cell)}</td>'
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table role="presentation" style="{_TABLE}"><tr>{head}</tr>{body}</table>'


def _recommendations(lines: Sequence[RecommendationLine]) -> str:
    if not lines:
        return f'<p style="{_P}">No orders: every position is at its target.</p>'
    blocks = []
    for r in lines:
        blocks.append(f'<p style="{_P}"><b>{escape(order_head(r))}</b></p>')
        for reason in r.reasons:
            blocks.extend(f'<p style="{_SMALL}">{escape(t)}</p>' for t in _reason_text(reason))
    return "".join(blocks)


def order_head(r: RecommendationLine) -> str:
    """Return the one-line statement of a recommended order and its risk verdict."""
    verdict = "allowed" if r.allowed else f"blocked: {r.risk_code} ({r.risk_reason})"
    return (
        f"{r.side.upper()} {units(abs(r.quantity))} {r.symbol} at {money(r.price)} "
        f"(value {money(abs(r.notional))}; held {units(r.held)}, target {units(r.target)}); "
        f"risk {verdict}"
    )


def _reason_text(reason: Reason) -> list[str]:
    lines = [f"{reason.strategy}: {reason.rule} [{reason.described}]"]
    for i in reason.indicators:
        value = "-" if i.value is None else f"{i.value:.4g}"
        where = "" if i.percentile is None else f", percentile {i.percentile:.0f} of its history"
        levels = ", ".join(f"{k} {v:.4g}" for k, v in i.thresholds.items() if v is not None)
        lines.append(
            f"  {i.name} = {value}{where}" + (f" (thresholds: {levels})" if levels else "")
        )
    t = reason.track_record
    if not t:  # a reason that is no strategy's (a coin that left its group) has no record
        return lines
    hit = "-" if t.get("hit_rate") is None else f"{float(t['hit_rate'] or 0):.0%}"
    gain = "-" if t.get("average_gain") is None else f"{float(t['average_gain'] or 0):,.2f}"
    loss = "-" if t.get("average_loss") is None else f"{float(t['average_loss'] or 0):,.2f}"
    lines.append(
        f"  track record: {t.get('signals', 0)} past signals, {t.get('trades', 0)} closed trades, "
        f"hit rate {hit}, average gain {gain}, average loss {loss}"
    )
    return lines


def _position_rows(report: DailyReport) -> tuple[Sequence[str], Rows]:
    headers = ("symbol", "quantity", "mark", "value", "weight", "day P&L")
    rows = [
        [
            p.symbol,
            units(p.quantity),
            money(p.mark),
            money(p.value),
            percent(p.weight),
            signed(p.day_pnl),
        ]
        for p in report.positions
    ]
    return headers, rows


def _fill_rows(report: DailyReport) -> tuple[Sequence[str], Rows]:
    headers = ("symbol", "quantity", "price", "decision price", "slippage", "fee")
    rows = [
        [
            f.symbol,
            units(f.quantity),
            money(f.price),
            money(f.decision_price),
            signed(f.slippage),
            money(f.fee),
        ]
        for f in report.fills
    ]
    return headers, rows


def _mover_rows(report: DailyReport) -> tuple[Sequence[str], Rows]:
    return ("symbol", "close", "change"), [
        [m.symbol, f"{m.close:,.2f}", f"{m.change:+.2%}"] for m in report.movers
    ]


def _risk_rows(report: DailyReport) -> tuple[Sequence[str], Rows]:
    r = report.risk
    rows = [
        ["trading state", r.trading_state],
        ["drawdown (backtest curve)", percent(r.drawdown)],
        ["1-day VaR 95 %", money(r.var_95)],
        ["gross exposure", percent(r.gross_exposure)],
        ["largest position", percent(r.largest_weight)],
        *([f"limit {k}", percent(v)] for k, v in r.limits.items() if not r.headroom),
    ]
    return ("measure", "value"), rows


def _aligned(headers: Sequence[str], rows: Rows) -> list[str]:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    return [
        "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
        for row in [list(headers), *rows]
    ]


def _text_sections(report: DailyReport) -> list[tuple[str, list[str]]]:
    out = [(title, _aligned(headers, rows)) for title, headers, rows, _ in tables(report)]
    recs = [
        line
        for r in report.recommendations
        for line in (order_head(r), *(x for reason in r.reasons for x in _reason_text(reason)))
    ]
    out.insert(
        2 if report.pnl is not None else 1, (recommendations_title(report), recs or ["No orders."])
    )
    notes = report.data_quality + report.warnings
    if notes:
        out.append(("Data quality and warnings", notes))
    return out
