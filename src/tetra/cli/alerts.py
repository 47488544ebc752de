"""`tetra alerts`: check the alert rules now, list the alerts, send a test alert."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from tetra.adapters.alerts.factory import channels_from
from tetra.cli.common import KIND_OPTION, console, errors, fail_cleanly, opened_store, settings
from tetra.core.clock import SystemClock
from tetra.data.store_kind import StoreKind
from tetra.monitoring.alerts import Alert, DeliveryError, stored_alerts
from tetra.monitoring.health import check_health
from tetra.scheduler.operations import run_alert_check

app = typer.Typer(help="Tetra's own alerts: check, list, test delivery.", no_args_is_help=True)


def _kind(sample: bool) -> StoreKind:
    return StoreKind.SAMPLE if sample else StoreKind.LIVE


@app.command()
def check(sample: bool = KIND_OPTION) -> None:
    """Evaluate every alert rule now, record the alerts and deliver what changed.

    Exits 1 while any alert is firing (for cron and monitoring wrappers), else 0.
    """
    with fail_cleanly():
        report = run_alert_check(settings(), SystemClock().now(), _kind(sample))
    for alert in report.changed:
        console.print(alert.text, soft_wrap=True, markup=False)
    for problem in report.failed_deliveries:
        errors.print(f"delivery failed: {problem}", soft_wrap=True, markup=False)
    console.print(
        f"{len(report.firing)} alert(s) firing, {len(report.changed)} changed, "
        f"{len(report.delivered)} delivered"
    )
    if report.firing:
        raise typer.Exit(1)


@app.command("list")
def list_alerts(
    sample: bool = KIND_OPTION,
    all_: bool = typer.Option(False, "--all", help="Also list resolved alerts."),
) -> None:
    """List firing alerts (and resolved ones with --all), firing first, newest first."""
    with opened_store(_kind(sample)) as store:
        alerts = [a for a in stored_alerts(store) if all_ or a.state == "firing"]
    if not alerts:
        console.print("no alerts" if all_ else "no alerts firing")
        return
    table = Table()
    for column in ("state", "severity", "alert", "message", "since", "notified"):
        table.add_column(column)
    for alert in alerts:
        table.add_row(
            alert.state,
            alert.severity,
            alert.alert_id,
            alert.message,
            f"{alert.first_seen:%Y-%m-%d %H:%M}",
            alert.notified_state
            or ("error: " + alert.delivery_error if alert.delivery_error else "-"),
        )
    console.print(table)


@app.command()
def health(sample: bool = KIND_OPTION) -> None:
    """Check the store's schema, the last pipeline run and critical alerts; exit 1 if unwell."""
    with opened_store(_kind(sample)) as store:
        checks = check_health(store, SystemClock().now())
    for check in checks:
        mark = "[green]ok[/]" if check.ok else "[red]FAIL[/]"
        console.print(f"{mark} {check.name}: {check.detail}", soft_wrap=True)
    if not all(check.ok for check in checks):
        raise typer.Exit(1)


@app.command()
def test() -> None:
    """Send one test alert through every configured channel and report each outcome."""
    channels = channels_from(settings())
    if not channels:
        errors.print(
            "no alert channel configured: set TETRA_ALERTS__WEBHOOK_URL or TETRA_ALERTS__EMAIL",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    now = SystemClock().now().astimezone(dt.UTC)
    alert = Alert("test:tetra", "test", "tetra", "warning", "firing", "a test alert", now, now)
    failed = False
    for channel in channels:
        try:
            channel.deliver(alert)
        except DeliveryError as error:
            failed = True
            errors.print(f"{channel.name}: {error}", soft_wrap=True, markup=False)
        else:
            console.print(f"{channel.name}: sent")
    if failed:
        raise typer.Exit(1)
