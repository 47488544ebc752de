"""Operations monitoring: alert rules over the catalog, alert state and delivery, health checks.

`rules` finds what is wrong (stale data, failed runs, cycles and reports, quarantine spikes,
halted books, undelivered reports);
`alerts` keeps the state of every alert in ``ops.alerts``, de-duplicates, and hands new
firings and recoveries to the delivery channels (adapters: webhook, email); `health` checks
the store. The Prometheus rules in deploy/prometheus alert on the same conditions.
"""

from tetra.monitoring.alerts import Alert, AlertChannel, CheckReport, DeliveryError, check_alerts
from tetra.monitoring.rules import (
    AlertRule,
    Condition,
    FailedCycles,
    FailedReports,
    FailedRuns,
    HaltedBooks,
    QuarantineSpike,
    ReportDeliveryFailures,
    StaleData,
    default_rules,
)

__all__ = [
    "Alert",
    "AlertChannel",
    "AlertRule",
    "CheckReport",
    "Condition",
    "DeliveryError",
    "FailedCycles",
    "FailedReports",
    "FailedRuns",
    "HaltedBooks",
    "QuarantineSpike",
    "ReportDeliveryFailures",
    "StaleData",
    "check_alerts",
    "default_rules",
]
