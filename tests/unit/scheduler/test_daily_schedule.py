"""Specification of the in-process daily schedule and of `next_run` across DST changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tetra.scheduler.daily import (
    JOB_ID,
    MAX_WAIT_SECONDS,
    MISFIRE_GRACE_SECONDS,
    ScheduleError,
    build_async_scheduler,
    build_scheduler,
    daily_trigger,
    next_run,
    parse_at,
)

NEW_YORK = ZoneInfo("America/New_York")
FIVE_AM = dt.time(5, 0)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


# (now, expected next 05:00 New York) around the 2025 US changes: 9 March and 2 November.
DST_CASES = [
    pytest.param(utc(2025, 1, 15, 12), utc(2025, 1, 16, 10), id="winter-is-10-utc"),
    pytest.param(utc(2025, 7, 1, 12), utc(2025, 7, 2, 9), id="summer-is-09-utc"),
    pytest.param(utc(2025, 3, 8, 9), utc(2025, 3, 8, 10), id="day-before-spring-forward"),
    pytest.param(utc(2025, 3, 8, 12), utc(2025, 3, 9, 9), id="spring-forward-day"),
    pytest.param(utc(2025, 3, 10, 0), utc(2025, 3, 10, 9), id="day-after-spring-forward"),
    pytest.param(utc(2025, 11, 1, 8), utc(2025, 11, 1, 9), id="day-before-fall-back"),
    pytest.param(utc(2025, 11, 1, 12), utc(2025, 11, 2, 10), id="fall-back-day"),
    pytest.param(utc(2025, 11, 3, 0), utc(2025, 11, 3, 10), id="day-after-fall-back"),
]


@pytest.mark.parametrize(("now", "expected"), DST_CASES)
def test_next_run_is_five_am_new_york_in_utc_of_the_season(
    now: dt.datetime, expected: dt.datetime
) -> None:
    when = next_run(FIVE_AM, "America/New_York", now)

    assert when == expected
    assert when.tzinfo == NEW_YORK
    assert (when.hour, when.minute) == (5, 0)


def test_next_run_at_the_exact_instant_is_that_instant() -> None:
    assert next_run(FIVE_AM, "America/New_York", utc(2025, 7, 1, 9)) == utc(2025, 7, 1, 9)


def test_next_run_in_the_spring_forward_gap_moves_an_hour_later() -> None:
    when = next_run(dt.time(2, 30), "America/New_York", utc(2025, 3, 9, 0))

    assert when == utc(2025, 3, 9, 7, 30)
    assert (when.hour, when.minute) == (3, 30)


def test_next_run_on_the_repeated_fall_back_hour_takes_the_first() -> None:
    when = next_run(dt.time(1, 30), "America/New_York", utc(2025, 11, 2, 0))

    # The first 01:30 is EDT (05:30 UTC); ambiguous instants only compare equal within UTC.
    assert when.astimezone(dt.UTC) == utc(2025, 11, 2, 5, 30)


def test_next_run_refuses_a_naive_now() -> None:
    with pytest.raises(ScheduleError, match="timezone-aware"):
        next_run(FIVE_AM, "America/New_York", dt.datetime(2025, 1, 1))


def test_next_run_refuses_an_unknown_timezone() -> None:
    with pytest.raises(ScheduleError, match="Mars/Olympus"):
        next_run(FIVE_AM, "Mars/Olympus", utc(2025, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("05:00", dt.time(5, 0)), ("5:00", dt.time(5, 0)), (" 23:59 ", dt.time(23, 59))],
)
def test_parse_at_reads_hours_and_minutes(text: str, expected: dt.time) -> None:
    assert parse_at(text) == expected


@pytest.mark.parametrize("text", ["24:00", "5", "05:60", "5am", "05:00:00", ""])
def test_parse_at_rejects_anything_but_hh_mm(text: str) -> None:
    with pytest.raises(ScheduleError, match="HH:MM"):
        parse_at(text)


@pytest.mark.parametrize(("now", "expected"), DST_CASES)
def test_cron_trigger_agrees_with_next_run(now: dt.datetime, expected: dt.datetime) -> None:
    trigger = daily_trigger(FIVE_AM, "America/New_York")

    assert trigger.get_next_fire_time(None, now) == expected


def test_cron_trigger_agrees_with_next_run_in_the_spring_forward_gap() -> None:
    now = utc(2025, 3, 9, 0)
    trigger = daily_trigger(dt.time(2, 30), "America/New_York")

    fired = trigger.get_next_fire_time(None, now)

    # Same instant (07:30 UTC); APScheduler keeps the non-existent wall time 02:30 on it.
    assert fired.astimezone(dt.UTC) == next_run(dt.time(2, 30), "America/New_York", now)


def test_built_scheduler_holds_one_daily_job_that_never_overlaps() -> None:
    scheduler = build_scheduler(lambda: None)

    jobs = scheduler.get_jobs()
    assert [job.id for job in jobs] == [JOB_ID]
    assert jobs[0].max_instances == 1
    assert jobs[0].coalesce is True
    assert jobs[0].misfire_grace_time == MISFIRE_GRACE_SECONDS == 3600


def test_built_scheduler_fires_next_at_five_am_new_york() -> None:
    scheduler = build_scheduler(lambda: None)

    trigger = scheduler.get_job(JOB_ID).trigger
    assert trigger.get_next_fire_time(None, utc(2025, 3, 8, 12)) == utc(2025, 3, 9, 9)


def test_built_scheduler_honours_another_time_and_timezone() -> None:
    scheduler = build_scheduler(lambda: None, at=dt.time(18, 30), timezone="Europe/London")

    trigger = scheduler.get_job(JOB_ID).trigger
    assert trigger.get_next_fire_time(None, utc(2025, 7, 1, 12)) == utc(2025, 7, 1, 17, 30)


def test_async_scheduler_holds_the_same_job() -> None:
    scheduler = build_async_scheduler(lambda: None)

    job = scheduler.get_job(JOB_ID)
    assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 3600)
    assert job.trigger.get_next_fire_time(None, utc(2025, 1, 15, 12)) == utc(2025, 1, 16, 10)


def test_running_scheduler_rechecks_the_wall_clock_every_minute() -> None:
    scheduler = build_scheduler(lambda: None)
    scheduler.start()
    try:
        # Private API: the wait APScheduler would sleep on a monotonic timer after this pass.
        wait_seconds = scheduler._process_jobs()
    finally:
        scheduler.shutdown(wait=False)

    assert 0 < wait_seconds <= MAX_WAIT_SECONDS
