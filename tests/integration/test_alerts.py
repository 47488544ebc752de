"""Tetra's alerts on real stores: rules fire on synthetic conditions, clear on recovery,
are announced once, and reach loopback webhook and SMTP receivers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from tetra.adapters.alerts import EmailChannel, WebhookChannel, WebhookFormat
from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.data.ports import Store
from tetra.monitoring import (
    Alert,
    Condition,
    FailedCycles,
    FailedReports,
    FailedRuns,
    HaltedBooks,
    QuarantineSpike,
    ReportDeliveryFailures,
    StaleData,
    check_alerts,
)
from tetra.monitoring.alerts import stored_alerts
from tetra.reports.delivery import ReportArchive
from tetra.testing.builders import bars_frame
from tetra.testing.loopback import SmtpSink, WebhookSink

NOW = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)  # a Friday


@pytest.fixture
def sql_store(store_url: str) -> Iterator[SqlStore]:
    with open_store(store_url) as store:
        yield store


def _bars_until(store: Store, last_day: str) -> None:
    store.upsert("market_data.ohlcv", bars_frame(("SPY",), start=last_day, periods=1))


def _kill_switch(store: Store, engaged: bool, at: dt.datetime) -> None:
    row = {
        "scope": "core",
        "engaged": engaged,
        "reason": "drawdown breaker",
        "changed_by": "cli",
        "changed_at": at,
        "source": "tetra",
    }
    store.upsert("risk.kill_switches", pd.DataFrame([row]))


def test_stale_data_fires_once_and_clears_when_fresh_bars_arrive(sql_store: SqlStore) -> None:
    rules = [StaleData(max_age=dt.timedelta(days=4))]
    with WebhookSink() as sink:
        hook = WebhookChannel(sink.url)
        _bars_until(sql_store, "2026-02-27")

        first = check_alerts(sql_store, rules, [hook], NOW)
        again = check_alerts(sql_store, rules, [hook], NOW + dt.timedelta(hours=1))
        _bars_until(sql_store, "2026-03-06")
        recovered = check_alerts(sql_store, rules, [hook], NOW + dt.timedelta(hours=2))

    assert [a.alert_id for a in first.firing] == ["stale_data:market_data.ohlcv"]
    assert "7.5 days old" in first.firing[0].message
    assert again.delivered == ()
    assert len(again.firing) == 1
    assert recovered.firing == ()
    assert [(b["state"], b["alert_id"]) for b in sink.bodies] == [
        ("firing", "stale_data:market_data.ohlcv"),
        ("resolved", "stale_data:market_data.ohlcv"),
    ]
    (stored,) = stored_alerts(sql_store)
    assert stored.state == "resolved"
    assert stored.notified_state == "resolved"
    assert stored.first_seen == NOW
    assert stored.resolved_at == NOW + dt.timedelta(hours=2)


def test_a_halted_book_fires_and_clears_when_its_kill_switch_is_released(
    sql_store: SqlStore,
) -> None:
    rules = [HaltedBooks()]
    _kill_switch(sql_store, True, NOW)

    halted = check_alerts(sql_store, rules, [], NOW)
    _kill_switch(sql_store, False, NOW + dt.timedelta(minutes=5))
    released = check_alerts(sql_store, rules, [], NOW + dt.timedelta(minutes=10))

    assert [a.alert_id for a in halted.firing] == ["halted_book:kill_switch:core"]
    assert halted.firing[0].message == "kill switch engaged for core: drawdown breaker"
    assert released.firing == ()
    assert [a.state for a in released.changed] == ["resolved"]


def test_a_halted_state_transition_of_a_book_fires(sql_store: SqlStore) -> None:
    event = {
        "event_id": "e1",
        "book": "growth",
        "at": NOW,
        "kind": "transition",
        "previous_state": "reducing",
        "current_state": "halted",
        "code": "drawdown",
        "reason": "drawdown 21% beyond 20%",
        "source": "tetra",
    }
    sql_store.upsert("risk.events", pd.DataFrame([event]))

    report = check_alerts(sql_store, [HaltedBooks()], [], NOW)

    assert [a.alert_id for a in report.firing] == ["halted_book:book:growth"]


def test_a_failed_run_and_a_quarantine_spike_fire(sql_store: SqlStore) -> None:
    run = {
        "run_id": "daily-1",
        "mode": "daily",
        "status": "failed",
        "started_at": NOW - dt.timedelta(hours=1),
        "finished_at": NOW - dt.timedelta(minutes=50),
        "rows_written": 0,
        "rows_quarantined": 3,
        "steps": "{}",
        "errors": "{}",
        "source": "tetra",
    }
    sql_store.upsert("ops.ingest_runs", pd.DataFrame([run]))
    records = [
        {
            "record_id": f"r{i}",
            "dataset": "market_data.ohlcv",
            "natural_key": f"SPY|{i}",
            "reason": "high below low",
            "payload": "{}",
            "quarantined_at": NOW - dt.timedelta(hours=2),
            "source": "test",
        }
        for i in range(3)
    ]
    sql_store.upsert("ops.quarantine", pd.DataFrame(records))

    report = check_alerts(sql_store, [FailedRuns(), QuarantineSpike(threshold=2)], [], NOW)

    assert sorted(a.alert_id for a in report.firing) == [
        "failed_run:pipeline",
        "quarantine_spike:market_data.ohlcv",
    ]


def test_a_failed_delivery_is_retried_on_the_next_check(sql_store: SqlStore) -> None:
    rules = [StaleData(max_age=dt.timedelta(days=4))]
    _bars_until(sql_store, "2026-02-27")
    with WebhookSink(status=503) as down:
        failed = check_alerts(sql_store, rules, [WebhookChannel(down.url)], NOW)
    with WebhookSink() as up:
        retried = check_alerts(sql_store, rules, [WebhookChannel(up.url)], NOW)

    assert failed.failed_deliveries == ("webhook: webhook answered HTTP 503",)
    assert stored_alerts(sql_store)[0].notified_state == "firing"
    assert [a.alert_id for a in retried.delivered] == ["stale_data:market_data.ohlcv"]
    assert len(up.bodies) == 1


class _BrokenRule:
    name = "stale_data"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        raise RuntimeError("store went away")


def test_a_broken_rule_raises_its_own_alert_and_keeps_its_alerts_firing(
    sql_store: SqlStore,
) -> None:
    _bars_until(sql_store, "2026-02-27")
    check_alerts(sql_store, [StaleData()], [], NOW)

    report = check_alerts(sql_store, [_BrokenRule()], [], NOW + dt.timedelta(hours=1))

    assert sorted(a.alert_id for a in report.firing) == [
        "check_failed:stale_data",
        "stale_data:market_data.ohlcv",
    ]


def _alert(state: str = "firing") -> Alert:
    return Alert(
        "stale_data:market_data.ohlcv",
        "stale_data",
        "market_data.ohlcv",
        "critical",
        state,
        "newest row is 7.5 days old",
        NOW,
        NOW,
    )


@pytest.mark.parametrize(
    ("format", "expected"),
    [
        (
            WebhookFormat.SLACK,
            {"text": "[FIRING] critical stale_data:market_data.ohlcv: newest row is 7.5 days old"},
        ),
        (
            WebhookFormat.TELEGRAM,
            {
                "chat_id": "-100123",
                "text": "[FIRING] critical stale_data:market_data.ohlcv: "
                "newest row is 7.5 days old",
            },
        ),
    ],
)
def test_chat_app_webhook_formats(format: WebhookFormat, expected: dict[str, str]) -> None:
    with WebhookSink() as sink:
        WebhookChannel(sink.url, format, chat_id="-100123").deliver(_alert())

    assert sink.bodies == [expected]


def test_email_delivery_reaches_a_loopback_smtp_server() -> None:
    with SmtpSink() as smtp:
        channel = EmailChannel(
            smtp.host, smtp.port, "tetra@example.com", ["ops@example.com"], starttls=False
        )
        channel.deliver(_alert())
        channel.deliver(_alert("resolved"))

    assert [m["Subject"] for m in smtp.messages] == [
        "[Tetra] FIRING critical stale_data:market_data.ohlcv",
        "[Tetra] RESOLVED critical stale_data:market_data.ohlcv",
    ]
    assert smtp.envelopes[0] == ("tetra@example.com", ["ops@example.com"])
    assert "newest row is 7.5 days old" in smtp.messages[0].get_payload()


def test_the_chat_cannot_read_the_alerts_table() -> None:
    from tetra.chat.policy import TablePolicy
    from tetra.data.migrations import catalog

    policy = TablePolicy.classify(catalog())

    assert "ops.alerts" in catalog()
    assert "ops.alerts" not in policy.readable


def test_a_failed_daily_cycle_and_an_undelivered_report_fire_until_they_succeed(
    sql_store: SqlStore,
) -> None:
    def cycle(status: str, session: str) -> None:
        row = {
            "book": "swing",
            "session": dt.date.fromisoformat(session),
            "book_version": 1,
            "anchor": dt.date(2025, 1, 2),
            "status": status,
            "error": "no bars for QQQ" if status == "failed" else None,
            "ran_at": NOW,
            "source": "tetra",
        }
        sql_store.upsert("cycle.runs", pd.DataFrame([row]))

    def delivery(attempt: int, status: str) -> None:
        row = {
            "report_id": "eod:swing:2026-03-05",
            "attempt": attempt,
            "at": NOW - dt.timedelta(hours=3 - attempt),
            "status": status,
            "recipients": '["ops@example.com"]',
            "error": "SMTP 127.0.0.1:25: refused" if status == "failed" else None,
            "source": "tetra",
        }
        sql_store.upsert("reports.deliveries", pd.DataFrame([row]))

    rules = [FailedCycles(), ReportDeliveryFailures()]
    cycle("failed", "2026-03-05")
    delivery(1, "failed")
    failing = check_alerts(sql_store, rules, [], NOW)
    cycle("done", "2026-03-06")
    delivery(2, "sent")
    recovered = check_alerts(sql_store, rules, [], NOW + dt.timedelta(hours=1))

    assert sorted(a.alert_id for a in failing.firing) == [
        "failed_cycle:book:swing",
        "report_delivery:eod:swing:2026-03-05",
    ]
    assert "no bars for QQQ" in failing.firing[0].message
    assert recovered.firing == ()


def test_a_failed_report_run_fires_until_a_rerun_stores_its_report(sql_store: SqlStore) -> None:
    def stored(kind: str, session: dt.date) -> None:
        row = {
            "report_id": f"{kind}:swing:{session}",
            "kind": kind,
            "book": "swing",
            "session": session,
            "created_at": NOW,
            "payload": "{}",
            "source": "tetra",
        }
        sql_store.upsert("reports.reports", pd.DataFrame([row]))

    archive = ReportArchive(sql_store)
    broken = RuntimeError("chart renderer crashed")
    stored("eod", dt.date(2026, 3, 4))
    archive.record_failure("eod", "swing", dt.date(2026, 3, 5), broken, NOW)
    archive.record_failure("sod", "swing", dt.date(2026, 2, 20), broken, NOW)  # over a week ago
    rules = [FailedReports()]
    failing = check_alerts(sql_store, rules, [], NOW)
    stored("eod", dt.date(2026, 3, 5))  # the rerun stored it: the failure is superseded
    recovered = check_alerts(sql_store, rules, [], NOW + dt.timedelta(hours=1))

    assert [(a.alert_id, a.severity) for a in failing.firing] == [
        ("failed_report:eod:swing", "critical")
    ]
    assert failing.firing[0].message == (
        "the EOD report of swing failed for 2026-03-05: RuntimeError: chart renderer crashed"
    )
    assert recovered.firing == ()


def test_health_is_ok_after_a_recent_successful_run(sql_store: SqlStore) -> None:
    from tetra.monitoring.health import check_health

    run = {
        "run_id": "daily-2",
        "mode": "daily",
        "status": "success",
        "started_at": NOW - dt.timedelta(hours=2),
        "finished_at": NOW - dt.timedelta(hours=1),
        "rows_written": 10,
        "rows_quarantined": 0,
        "steps": "{}",
        "errors": "{}",
        "source": "tetra",
    }
    sql_store.upsert("ops.ingest_runs", pd.DataFrame([run]))

    checks = check_health(sql_store, NOW)

    assert [(c.name, c.ok) for c in checks] == [
        ("store", True),
        ("pipeline", True),
        ("alerts", True),
    ]
    assert checks[1].detail == "last run daily-2 success, 1.0 h ago"
