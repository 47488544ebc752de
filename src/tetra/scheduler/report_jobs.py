"""The start- and end-of-day report jobs beside the daily data job (`tetra schedule install`).

Defaults: the start-of-day report at 07:00, after the 05:00 data job, and the end-of-day
report at 17:00, America/New_York; each runs the daily cycle first (`tetra report` runs
`tetra cycle run` for the session, idempotent per book and day). The end-of-day report
covers the latest stored close, so a 17:00 report shows today only when the data job has
run after the close (e.g. ``--at 16:30``); with the default 05:00 data job it shows the
previous session.

`with_report_jobs` adds the two jobs to the entry files of the data job: two more lines
in the cron block, a service and timer pair per job for systemd, a plist per job for
launchd. A failed or missed run (data pipeline, cycle, report) is listed in the next
report and on the monitor page (`tetra.monitoring.run_issues`).
"""

from __future__ import annotations

import datetime as dt
import os
import plistlib
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tetra.scheduler.install import (
    CRONTAB_BLOCK,
    END_MARK,
    LAUNCHD_LABEL,
    SERVICE_UNIT,
    TIMER_UNIT,
    EntryKind,
    launchd_plist,
    systemd_units,
)

SOD_AT, EOD_AT = dt.time(7, 0), dt.time(17, 0)


@dataclass(frozen=True)
class ReportJob:
    """One scheduled report: its id (``tetra-sod``), argv, time of day and description."""

    job_id: str
    command: tuple[str, ...]
    at: dt.time
    description: str

    @property
    def launchd_label(self) -> str:
        return f"{LAUNCHD_LABEL.rsplit('.', 1)[0]}.{self.job_id.removeprefix('tetra-')}"


def report_jobs(executable: Path, sod: dt.time = SOD_AT, eod: dt.time = EOD_AT) -> list[ReportJob]:
    """Return the SOD and EOD jobs: ``tetra report sod|eod --send`` on the live store."""
    tetra = str(executable)
    return [
        ReportJob("tetra-sod", (tetra, "report", "sod", "--send"), sod, "start-of-day report"),
        ReportJob("tetra-eod", (tetra, "report", "eod", "--send"), eod, "end-of-day report"),
    ]


def with_report_jobs(
    kind: EntryKind,
    files: dict[str, str],
    jobs: Sequence[ReportJob],
    timezone: str,
    log_dir: Path,
) -> dict[str, str]:
    """Return the data job's entry `files` with the report `jobs` added for `kind`."""
    out = dict(files)
    if kind is EntryKind.CRON:
        lines = "".join(_cron_line(job, log_dir) for job in jobs)
        out[CRONTAB_BLOCK] = out[CRONTAB_BLOCK].replace(END_MARK, lines + END_MARK)
    elif kind is EntryKind.SYSTEMD:
        for job in jobs:
            units = systemd_units(job.command, job.at, timezone)
            out[f"{job.job_id}.service"] = units[SERVICE_UNIT].replace(
                "Tetra daily data job", f"Tetra {job.description}"
            )
            out[f"{job.job_id}.timer"] = units[TIMER_UNIT].replace(
                "the Tetra daily data job", f"the Tetra {job.description}"
            )
    else:
        for job in jobs:
            agent = plistlib.loads(launchd_plist(list(job.command), job.at, log_dir).encode())
            agent["Label"] = job.launchd_label
            agent["StandardOutPath"] = str(log_dir / f"{job.job_id}.launchd.stdout.log")
            agent["StandardErrorPath"] = str(log_dir / f"{job.job_id}.launchd.stderr.log")
            out[f"{job.launchd_label}.plist"] = plistlib.dumps(agent).decode()
    return out


def report_entry_names(kind: EntryKind, jobs: Sequence[ReportJob]) -> list[str]:
    """Return the file names the report jobs add for `kind` (cron adds none: one block)."""
    if kind is EntryKind.SYSTEMD:
        return [f"{j.job_id}.{suffix}" for j in jobs for suffix in ("service", "timer")]
    if kind is EntryKind.LAUNCHD:
        return [f"{j.launchd_label}.plist" for j in jobs]
    return []


def _cron_line(job: ReportJob, log_dir: Path) -> str:
    log = log_dir / f"{job.job_id}.cron.log"
    line = f"{shlex.join(job.command)} >> {shlex.quote(str(log))} 2>&1".replace("%", r"\%")
    return f"{job.at.minute} {job.at.hour} * * * {line}\n"


def report_activation_commands(
    kind: EntryKind, jobs: Sequence[ReportJob], target_dir: Path
) -> list[list[str]]:
    """Return what loads the report jobs' entries (cron: none, its block holds them)."""
    if kind is EntryKind.SYSTEMD:
        return [["systemctl", "--user", "enable", "--now", *(f"{j.job_id}.timer" for j in jobs)]]
    if kind is EntryKind.LAUNCHD:
        domain = f"gui/{os.getuid()}"
        return [
            ["launchctl", "bootstrap", domain, str(target_dir / f"{j.launchd_label}.plist")]
            for j in jobs
        ]
    return []


def remove_report_entries(
    kind: EntryKind, jobs: Sequence[ReportJob], target_dir: Path
) -> list[Path]:
    """Delete the report jobs' files (and systemd's enable links); return those that existed."""
    paths = [target_dir / name for name in report_entry_names(kind, jobs)]
    if kind is EntryKind.SYSTEMD:
        paths += [target_dir / "timers.target.wants" / f"{j.job_id}.timer" for j in jobs]
    removed = [p for p in paths if p.is_symlink() or p.exists()]
    for path in removed:
        path.unlink()
    return removed
