"""Run Tetra's daily data job by itself: in-process (APScheduler) or via the OS scheduler.

`tetra.scheduler.daily` schedules a callable inside a long-running process;
`tetra.scheduler.install` writes cron, systemd and launchd entries for machines without one.
"""

from __future__ import annotations

from tetra.scheduler.daily import (
    DEFAULT_AT,
    DEFAULT_TIMEZONE,
    JOB_ID,
    ScheduleError,
    build_async_scheduler,
    build_scheduler,
    next_run,
    parse_at,
)

__all__ = [
    "DEFAULT_AT",
    "DEFAULT_TIMEZONE",
    "JOB_ID",
    "ScheduleError",
    "build_async_scheduler",
    "build_scheduler",
    "next_run",
    "parse_at",
]
