"""What the long-running scheduler does besides the daily job: alerts, backups, metrics.

`after_daily_run` runs once after every daily pipeline run: it checks the alert rules on the
live store (delivering changes), then backs the store up and prunes old backups when
``TETRA_OPS__BACKUP_KEEP`` is above zero. Each part reports failures and carries on: a broken
backup must not stop alerts, and the other way round.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from tetra.adapters.alerts.factory import channels_from
from tetra.adapters.stores import open_store
from tetra.adapters.stores.backup import backup_store, engine_of, prune_backups
from tetra.core.clock import Clock
from tetra.core.errors import TetraError
from tetra.core.telemetry import telemetry
from tetra.data.store_kind import StoreKind
from tetra.monitoring import CheckReport, check_alerts, default_rules
from tetra.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class OperationsReport:
    alerts: CheckReport | None = None
    backup: Path | None = None
    problems: list[str] = field(default_factory=list)


def run_alert_check(settings: Settings, now: dt.datetime, kind: StoreKind) -> CheckReport:
    """Check the alert rules on the configured store of `kind` and deliver changes."""
    url = settings.sample_store if kind is StoreKind.SAMPLE else settings.live_store
    rules = default_rules(
        dt.timedelta(hours=settings.alerts.stale_after_hours),
        settings.alerts.quarantine_threshold,
    )
    with open_store(url, kind) as store:
        return check_alerts(store, rules, channels_from(settings), now)


def run_backup(settings: Settings, now: dt.datetime) -> Path:
    """Back up the live store into the backup folder and keep the newest `backup_keep`."""
    url = settings.live_store
    try:
        with open_store(url, StoreKind.LIVE) as store:
            timescale = bool(getattr(store, "timescale", False))
            folder = backup_store(store, url, settings.backup_dir, now, timescale=timescale)
        prune_backups(settings.backup_dir, StoreKind.LIVE, settings.ops.backup_keep)
    except TetraError:
        telemetry().increment("tetra_backups", {"engine": engine_of(url), "outcome": "failed"})
        raise
    telemetry().increment("tetra_backups", {"engine": engine_of(url), "outcome": "done"})
    return folder


def after_daily_run(settings: Settings, clock: Clock) -> OperationsReport:
    """Run the alert check, then the scheduled backup; collect problems instead of raising."""
    report = OperationsReport()
    try:
        report.alerts = run_alert_check(settings, clock.now(), StoreKind.LIVE)
    except (TetraError, OSError) as error:
        report.problems.append(f"alert check failed: {error}")
    if settings.ops.backup_keep > 0:
        try:
            report.backup = run_backup(settings, clock.now())
        except (TetraError, OSError) as error:
            report.problems.append(f"backup failed: {error}")
    now = clock.now().timestamp()
    telemetry().set("tetra_scheduler_last_run_timestamp", {"job": "operations"}, now)
    for problem in report.problems:
        log.error(problem)
    return report
