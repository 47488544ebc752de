"""Rich tables of a risk report, shared by `tetra risk` and `tetra demo`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table

from tetra.risk.limits import LimitReading
from tetra.risk.policy import RiskPolicy
from tetra.risk.report import RiskReport
from tetra.risk.scenarios import ScenarioLoss
from tetra.risk.vocabulary import LIMIT_KINDS, LimitKind, TradingState

STATE_COLOURS = {
    TradingState.ACTIVE: "green",
    TradingState.REDUCING: "yellow",
    TradingState.HALTED: "bold red",
}
GAUGE_WIDTH = 20


def print_report(console: Console, title: str, report: RiskReport, *, top: int = 12) -> None:
    """Print the book's headline, holdings, exposures, VaR, clusters and limit usage."""
    state = report.state
    console.print(
        f"[bold]{title}[/]  as of {report.as_of}  equity {report.equity:,.0f}  "
        f"gross {report.gross:.0%}  net {report.net:+.0%}  "
        f"state [{STATE_COLOURS[state]}]{state.value.upper()}[/]"
    )
    console.print(_holdings(report, top))
    console.print(_exposures(report))
    console.print(_estimates(report))
    if report.scenarios:
        console.print(scenario_table(report.scenarios, report.equity))
    groups = report.clusters.groups()
    if len(groups) < len(report.holdings):
        console.print("moving together: " + "; ".join(", ".join(g) for g in groups if len(g) > 1))
    if report.limit_usage:
        console.print(usage_table(report.limit_usage))
    for transition in report.transitions[-3:]:
        console.print(f"[yellow]{transition.at} {transition.current.value}:[/] {transition.reason}")
    for note in report.notes:
        console.print(f"[dim]note: {note}[/]")


def usage_table(readings: Sequence[LimitReading]) -> Table:
    """Return a table of limit usage with a text gauge per row."""
    table = _table("Limit usage", ("limit", "subject", "value", "cap", "usage"))
    for reading in readings:
        cap = "-" if reading.cap is None else f"{reading.cap:.1%}"
        table.add_row(
            reading.kind.value, reading.subject or "book", f"{reading.value:.1%}", cap,
            gauge(reading.usage),
        )  # fmt: skip
    return table


def gauge(usage: float) -> str:
    """Return a coloured bar for a usage fraction (over 1 = breached)."""
    filled = min(GAUGE_WIDTH, round(min(usage, 1.0) * GAUGE_WIDTH))
    colour = "red" if usage > 1 else "yellow" if usage > 0.8 else "green"
    label = "∞" if usage == float("inf") else f"{usage:.0%}"
    return f"[{colour}]{'█' * filled}[/][dim]{'░' * (GAUGE_WIDTH - filled)}[/] {label}"


def policy_table(policy: RiskPolicy) -> Table:
    """Return the policy's limits and what a breach of each does."""
    table = _table("Risk policy", ("limit", "setting", "on breach", "persistence", "holds"))
    settings = _settings(policy)
    for kind in LIMIT_KINDS:
        if kind in settings:
            table.add_row(
                kind.value, settings[kind], policy.response(kind).value,
                f"{policy.persistence_of(kind)} checks",
                "until reset" if policy.latched(kind) else "clears when met",
            )  # fmt: skip
    orders = policy.orders
    for name, value in (
        ("max notional per order", orders.max_notional),
        ("price band vs last close", orders.price_band),
        ("submits", orders.max_submits),
    ):
        if value is not None:
            shown = f"{value:.0%}" if name.startswith("price") else f"{value:,.0f}"
            if name == "submits":
                shown = f"{value} per {orders.per_seconds:g} s"
            table.add_row(name, shown, "deny the order", "-", "-")
    return table


def _settings(policy: RiskPolicy) -> dict[LimitKind, str]:
    K = LimitKind  # noqa: N806 - a short alias keeps the table below readable

    def caps(mapping: Mapping[str, float]) -> str:
        return ", ".join(f"{name} {cap:.0%}" for name, cap in mapping.items())

    found: dict[LimitKind, str | None] = {
        K.POSITION_WEIGHT: _pct(policy.max_position_weight),
        K.GROUP_EXPOSURE: caps({str(k): v for k, v in policy.group_caps.items()}) or None,
        K.THEME_EXPOSURE: caps(policy.theme_caps) or None,
        K.ASSET_CLASS_EXPOSURE: caps({str(k): v for k, v in policy.asset_class_caps.items()})
        or None,
        K.GROSS_LEVERAGE: _pct(policy.max_gross_leverage),
        K.NET_LEVERAGE: _pct(policy.max_net_leverage),
        K.CORRELATED_WEIGHT: (
            f"ρ ≥ {policy.correlation.threshold:g} over {policy.correlation.window} bars: "
            f"{policy.correlation.cap:.0%}"
            if policy.correlation
            else None
        ),
        K.DAILY_LOSS: _pct(policy.daily_loss_limit),
        K.DRAWDOWN: _pct(policy.max_drawdown),
    }
    return {kind: text for kind, text in found.items() if text is not None}


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.0%}"


def _holdings(report: RiskReport, top: int) -> Table:
    table = _table(
        f"Holdings (largest {min(top, len(report.holdings))} of {len(report.holdings)})",
        ("symbol", "weight", "vol", "beta", "risk share", "cluster"),
    )
    ranked = sorted(report.holdings, key=lambda h: -abs(h.weight))[:top]
    for h in ranked:
        beta = "-" if h.beta != h.beta else f"{h.beta:.2f}"
        table.add_row(h.symbol, f"{h.weight:+.1%}", f"{h.volatility:.0%}", beta,
                      f"{h.share:.0%}", str(h.cluster))  # fmt: skip
    return table


def _exposures(report: RiskReport) -> Table:
    table = _table("Exposure by group and asset class", ("bucket", "long", "short", "net"))
    for e in report.exposures:
        if e.kind != "theme":
            table.add_row(f"{e.kind}: {e.name}", f"{e.long:.1%}", f"{e.short:.1%}", f"{e.net:+.1%}")
    return table


def _estimates(report: RiskReport) -> Table:
    first = report.estimates[0]
    table = _table(
        f"{first.horizon}-day value at risk, {first.confidence:.0%} "
        f"(book volatility {report.contributions.volatility:.1%} a year)",
        ("method", "VaR", "CVaR", "VaR in money", "returns"),
    )
    for e in report.estimates:
        table.add_row(e.method.label, f"{e.var:.2%}", f"{e.cvar:.2%}",
                      f"{e.var * report.equity:,.0f}", f"{e.observations:,}")  # fmt: skip
    simulated = report.monte_carlo
    if simulated is not None:
        e = simulated.estimate
        table.add_row(simulated.describe(), f"{e.var:.2%}", f"{e.cvar:.2%}",
                      f"{e.var * report.equity:,.0f}", f"{e.observations:,} paths")  # fmt: skip
    return table


def scenario_table(losses: Sequence[ScenarioLoss], equity: float) -> Table:
    """Return the named scenarios' P&L on the book, worst first, unavailable ones last."""
    table = _table(
        "Scenario losses on the current holdings",
        ("scenario", "method", "P&L", "P&L %", "worst holding", "why this method"),
    )
    applied = sorted((s for s in losses if s.applied), key=lambda s: -s.loss)
    for s in applied:
        worst = s.worst
        shown = "-" if worst is None else f"{worst} {-s.by_symbol[worst] * equity:+,.0f}"
        colour = "red" if s.pnl < 0 else "green"
        table.add_row(s.title or s.scenario, s.method, f"[{colour}]{s.pnl:+,.0f}[/]",
                      f"[{colour}]{-s.loss:+.2%}[/]", shown, s.why)  # fmt: skip
    for s in losses:
        if not s.applied:
            table.add_row(s.title or s.scenario, "[dim]unavailable[/]", "-", "-", "-", s.why)
    return table


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < 2 else "right")
    return table
