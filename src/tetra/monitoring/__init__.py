"""Operations monitoring: alert rules over the catalog, alert state and delivery, health checks.

`rules` finds what is wrong (stale data, failed runs, quarantine spikes, halted books);
`alerts` keeps the state of every alert in ``ops.alerts``, de-duplicates, and hands new
firings and recoveries to the delivery channels (adapters: webhook, email); `health` checks
the store. The Prometheus rules in deploy/prometheus alert on the same conditions.
"""

from tetra.monitoring.alerts import Alert, AlertChannel, CheckReport, DeliveryError, check_alerts
from tetra.monitoring.rules import (
    AlertRule,
    Condition,
    FailedRuns,
    HaltedBooks,
    QuarantineSpike,
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
    "FailedRuns",
    "HaltedBooks",
    "QuarantineSpike",
    "StaleData",
    "check_alerts",
    "default_rules",
]
