"""Alert state and delivery: evaluate the rules, record ``ops.alerts``, announce changes once.

`check_alerts` runs every rule, folds the conditions into the stored alerts (a new or
returning condition fires, a firing alert its rule no longer reports resolves), writes the
changed rows, then delivers every alert whose state differs from the state last delivered.
A failed delivery keeps the difference, so the next check retries it; a firing alert that
is found again changes only its `last_seen`. A rule that raises becomes a ``check_failed``
alert of its own instead of resolving the alerts it owns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from tetra.core.errors import TetraError
from tetra.core.telemetry import telemetry
from tetra.data.ports import Query, Store
from tetra.monitoring.rules import WARNING, AlertRule, Condition

log = logging.getLogger(__name__)

TABLE = "ops.alerts"
FIRING, RESOLVED = "firing", "resolved"


class DeliveryError(TetraError):
    """A channel could not deliver an alert; the message says why."""


@dataclass(frozen=True, slots=True)
class Alert:
    """One row of ``ops.alerts``."""

    alert_id: str
    rule: str
    subject: str
    severity: str
    state: str
    message: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    resolved_at: dt.datetime | None = None
    notified_state: str | None = None
    notified_at: dt.datetime | None = None
    delivery_error: str | None = None

    @property
    def text(self) -> str:
        """One line for chat apps and subjects: ``[FIRING] critical stale_data ...: message``."""
        return f"[{self.state.upper()}] {self.severity} {self.alert_id}: {self.message}"


class AlertChannel(Protocol):
    """Delivers an alert somewhere (webhook, email); raises `DeliveryError` on failure."""

    name: str

    def deliver(self, alert: Alert) -> None: ...


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What one check did: alerts now firing, those that changed state, deliveries made."""

    firing: tuple[Alert, ...]
    changed: tuple[Alert, ...]
    delivered: tuple[Alert, ...]
    failed_deliveries: tuple[str, ...]


def stored_alerts(store: Store) -> list[Alert]:
    """Return every stored alert, firing first, newest first."""
    frame = store.read(Query(TABLE))
    alerts = [_alert(row) for row in frame.to_dict("records")]
    return sorted(alerts, key=lambda a: (a.state != FIRING, -a.last_seen.timestamp()))


def check_alerts(
    store: Store, rules: Sequence[AlertRule], channels: Sequence[AlertChannel], now: dt.datetime
) -> CheckReport:
    """Evaluate `rules`, update ``ops.alerts`` and deliver state changes to `channels`."""
    conditions, evaluated = _evaluate(store, rules, now)
    before = {a.alert_id: a for a in stored_alerts(store)}
    after = _fold(before, conditions, evaluated, now)
    changed = [a for key, a in after.items() if before.get(key) != a]
    _write(store, changed)
    delivered, failures = _deliver(store, list(after.values()), channels, now)
    firing = tuple(a for a in after.values() if a.state == FIRING)
    for rule in {r.name for r in rules} | {"check_failed"}:
        count = sum(1 for a in firing if a.rule == rule)
        telemetry().set("tetra_alerts_firing", {"rule": rule}, count)
    return CheckReport(firing, tuple(changed), tuple(delivered), tuple(failures))


def _evaluate(
    store: Store, rules: Sequence[AlertRule], now: dt.datetime
) -> tuple[list[Condition], set[str]]:
    conditions: list[Condition] = []
    evaluated: set[str] = set()
    for rule in rules:
        try:
            conditions.extend(rule.evaluate(store, now))
        except Exception as error:  # one broken rule must not silence the others
            log.warning("alert rule %s failed: %s", rule.name, error, exc_info=True)
            message = f"the {rule.name} check failed: {error}"
            conditions.append(Condition("check_failed", rule.name, WARNING, message))
        else:
            evaluated.add(rule.name)
    evaluated.add("check_failed")
    return conditions, evaluated


def _fold(
    before: dict[str, Alert], conditions: list[Condition], evaluated: set[str], now: dt.datetime
) -> dict[str, Alert]:
    after = dict(before)
    reported = {c.alert_id for c in conditions}
    for condition in conditions:
        prior = before.get(condition.alert_id)
        if prior is not None and prior.state == FIRING:
            after[condition.alert_id] = dataclasses.replace(
                prior, last_seen=now, message=condition.message, severity=condition.severity
            )
        else:
            after[condition.alert_id] = Alert(
                condition.alert_id,
                condition.rule,
                condition.subject,
                condition.severity,
                FIRING,
                condition.message,
                first_seen=now,
                last_seen=now,
                notified_state=prior.notified_state if prior else None,
                notified_at=prior.notified_at if prior else None,
            )
    for key, prior in before.items():
        if prior.state == FIRING and key not in reported and prior.rule in evaluated:
            after[key] = dataclasses.replace(prior, state=RESOLVED, resolved_at=now)
    return after


def _deliver(
    store: Store, alerts: list[Alert], channels: Sequence[AlertChannel], now: dt.datetime
) -> tuple[list[Alert], list[str]]:
    delivered: list[Alert] = []
    failures: list[str] = []
    updated: list[Alert] = []
    for alert in alerts:
        if alert.notified_state == alert.state:
            continue
        errors = [f"{c.name}: {e}" for c in channels if (e := _try(c, alert)) is not None]
        failures.extend(errors)
        if errors and len(errors) == len(channels):
            updated.append(dataclasses.replace(alert, delivery_error="; ".join(errors)))
            continue
        sent = dataclasses.replace(
            alert, notified_state=alert.state, notified_at=now, delivery_error=None
        )
        updated.append(sent)
        delivered.append(sent)
    _write(store, updated)
    return delivered, failures


def _try(channel: AlertChannel, alert: Alert) -> str | None:
    try:
        channel.deliver(alert)
    except DeliveryError as error:
        telemetry().increment(
            "tetra_alert_deliveries", {"channel": channel.name, "outcome": "failed"}
        )
        log.warning("alert %s not delivered by %s: %s", alert.alert_id, channel.name, error)
        return str(error)
    telemetry().increment("tetra_alert_deliveries", {"channel": channel.name, "outcome": "sent"})
    return None


def _write(store: Store, alerts: list[Alert]) -> None:
    if alerts:
        rows = [{**dataclasses.asdict(a), "source": "tetra"} for a in alerts]
        store.upsert(TABLE, pd.DataFrame(rows))


def _alert(row: dict[Any, Any]) -> Alert:
    def text(key: str) -> str | None:
        value = row.get(key)
        return None if _missing(value) else str(value)

    def instant(key: str) -> dt.datetime | None:
        value = row.get(key)
        if value is None or _missing(value):
            return None
        return pd.Timestamp(value).to_pydatetime()

    return Alert(
        alert_id=str(row["alert_id"]),
        rule=str(row["rule"]),
        subject=str(row["subject"]),
        severity=str(row["severity"]),
        state=str(row["state"]),
        message=str(row["message"]),
        first_seen=pd.Timestamp(row["first_seen"]).to_pydatetime(),
        last_seen=pd.Timestamp(row["last_seen"]).to_pydatetime(),
        resolved_at=instant("resolved_at"),
        notified_state=text("notified_state"),
        notified_at=instant("notified_at"),
        delivery_error=text("delivery_error"),
    )


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value))
