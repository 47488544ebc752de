"""The in-process daily schedule: one APScheduler cron job for a long-running server.

Map: `build_scheduler` / `build_async_scheduler` make a scheduler holding the single
"tetra-daily" job; `next_run` computes, without APScheduler, when that job fires next;
`parse_at` and `zone_info` validate the user's ``HH:MM`` and IANA timezone name.

Missed runs. The job has ``coalesce=True``, ``max_instances=1`` and a one-hour
``misfire_grace_time``: a process whose machine slept through 05:00 runs the job once when
it wakes, if that is before 06:00; later than that the day's run is skipped (logged by
APScheduler as missed) and the next one is the following 05:00. Never two runs at once.

Sleep. APScheduler 3 sleeps on monotonic timers, which stop while the machine is suspended,
so after a long suspend it would wake up late, possibly past the grace hour. The schedulers
built here re-check the wall clock at least every `MAX_WAIT_SECONDS` instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from tetra.core.errors import TetraError

JOB_ID = "tetra-daily"
DEFAULT_AT = dt.time(5, 0)
DEFAULT_TIMEZONE = "America/New_York"
MISFIRE_GRACE_SECONDS = 3600
MAX_WAIT_SECONDS = 60.0

_AT_PATTERN = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class ScheduleError(TetraError, ValueError):
    """A schedule setting (time of day, timezone, instant) is invalid."""


def parse_at(text: str) -> dt.time:
    """Parse a time of day written ``HH:MM`` (24-hour clock, e.g. ``05:00`` or ``5:00``)."""
    match = _AT_PATTERN.fullmatch(text.strip())
    if match is None:
        raise ScheduleError(f"invalid time of day {text!r}: expected HH:MM, e.g. 05:00")
    return dt.time(int(match[1]), int(match[2]))


def zone_info(timezone: str) -> ZoneInfo:
    """Return the IANA timezone named `timezone`, e.g. ``America/New_York``."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ScheduleError(f"unknown timezone {timezone!r}: expected an IANA name") from error


def next_run(at: dt.time, timezone: str, now: dt.datetime) -> dt.datetime:
    """Return the first instant at or after `now` when the wall clock in `timezone` reads `at`.

    The result is aware, in `timezone`. Seconds of `at` are ignored. DST is honoured: 05:00
    in New York is 10:00 UTC in winter and 09:00 UTC in summer. A time that does not exist
    on a spring-forward day (02:30) is taken an hour later; a time that occurs twice on a
    fall-back day is taken the first time. APScheduler's cron trigger picks the same
    instants. Compare results in UTC: Python's ``==`` never equates an instant in a repeated
    hour with one in another timezone.
    """
    if now.tzinfo is None:
        raise ScheduleError("next_run needs a timezone-aware `now`")
    zone = zone_info(timezone)
    today = now.astimezone(zone).date()
    candidate = _wall_time(today, at, zone)
    # Compare in UTC: aware datetimes in a repeated fall-back hour compare oddly (PEP 495).
    if candidate.astimezone(dt.UTC) < now.astimezone(dt.UTC):
        candidate = _wall_time(today + dt.timedelta(days=1), at, zone)
    return candidate


def _wall_time(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(at.hour, at.minute))
    # The round trip through UTC moves a wall time inside a spring-forward gap past it.
    return naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)


def daily_trigger(at: dt.time = DEFAULT_AT, timezone: str = DEFAULT_TIMEZONE) -> CronTrigger:
    """Return the cron trigger that fires every day at `at` in `timezone`."""
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=zone_info(timezone))


def build_scheduler(
    job: Callable[[], object],
    *,
    at: dt.time = DEFAULT_AT,
    timezone: str = DEFAULT_TIMEZONE,
) -> BackgroundScheduler:
    """Return a not-yet-started thread scheduler that runs `job` daily at `at` in `timezone`."""
    scheduler = _WakefulBackgroundScheduler(timezone=zone_info(timezone))
    _add_daily_job(scheduler, job, at, timezone)
    return scheduler


def build_async_scheduler(
    job: Callable[[], object],
    *,
    at: dt.time = DEFAULT_AT,
    timezone: str = DEFAULT_TIMEZONE,
) -> AsyncIOScheduler:
    """Return a not-yet-started asyncio scheduler (e.g. for the FastAPI server) running `job`.

    Start it inside the running event loop (e.g. in the app's lifespan). A blocking `job`
    runs on APScheduler's default thread pool, not on the event loop.
    """
    scheduler = _WakefulAsyncIOScheduler(timezone=zone_info(timezone))
    _add_daily_job(scheduler, job, at, timezone)
    return scheduler


def _add_daily_job(
    scheduler: BackgroundScheduler | AsyncIOScheduler,
    job: Callable[[], object],
    at: dt.time,
    timezone: str,
) -> None:
    scheduler.add_job(
        job,
        trigger=daily_trigger(at, timezone),
        id=JOB_ID,
        name="Tetra daily data job",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        replace_existing=True,
    )


def _capped_wait(wait_seconds: float | None) -> float | None:
    # None means "paused or no jobs: sleep until woken", which adding a job or resuming does.
    return None if wait_seconds is None else min(wait_seconds, MAX_WAIT_SECONDS)


class _WakefulBackgroundScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A `BackgroundScheduler` that looks at the wall clock at least once a minute."""

    def _process_jobs(self) -> float | None:
        return _capped_wait(super()._process_jobs())


class _WakefulAsyncIOScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """An `AsyncIOScheduler` that looks at the wall clock at least once a minute."""

    def _process_jobs(self) -> float | None:
        return _capped_wait(super()._process_jobs())
