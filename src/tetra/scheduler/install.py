"""OS scheduler entries for the daily job, for machines without a long-running Tetra server.

Map: `cron_entry`, `systemd_units`, `launchd_plist` and `logrotate_config` render entries as
text; `entry_files` picks them per `EntryKind`; `write_entries` / `remove_entries` touch only
the directory given. Only `run_commands` and the crontab helpers (used for ``--activate``)
run ``crontab``, ``systemctl`` or ``launchctl``; otherwise users are shown the commands.

Logs: the job writes its own rotating log (``--log-file <log_dir>/daily.log``). What the OS
scheduler captures besides (a crash before logging starts) goes to the systemd journal, to
``daily.cron.log`` (rotated by `logrotate_config`) or to launchd's two ``daily.launchd.*``.
"""

from __future__ import annotations

import datetime as dt
import os
import plistlib
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path

from tetra.scheduler.daily import JOB_ID, ScheduleError

LAUNCHD_LABEL = "org.tetra.daily"
APP_LOG = "daily.log"
CRON_LOG = "daily.cron.log"
SERVICE_UNIT = f"{JOB_ID}.service"
TIMER_UNIT = f"{JOB_ID}.timer"
PLIST = f"{LAUNCHD_LABEL}.plist"
CRONTAB_BLOCK = f"{JOB_ID}.cron"
LOGROTATE = f"{JOB_ID}.logrotate"
BEGIN_MARK = f"# BEGIN {JOB_ID}"
END_MARK = f"# END {JOB_ID}"


class EntryKind(StrEnum):
    """Which OS scheduler runs the daily job."""

    CRON = "cron"
    SYSTEMD = "systemd"
    LAUNCHD = "launchd"


_ENTRY_NAMES = {
    EntryKind.CRON: (CRONTAB_BLOCK, LOGROTATE),
    EntryKind.SYSTEMD: (SERVICE_UNIT, TIMER_UNIT),
    EntryKind.LAUNCHD: (PLIST,),
}


def daily_command(executable: Path, log_dir: Path) -> list[str]:
    """Return the argv of the daily job: the daily pipeline, logging under `log_dir`."""
    return [str(executable), "pipeline", "--mode", "daily", "--log-file", str(log_dir / APP_LOG)]


def cron_entry(command: Sequence[str], at: dt.time, timezone: str, log_file: Path) -> str:
    """Return a crontab block running `command` daily at `at`, output appended to `log_file`.

    Cron reads times in the system timezone. The block sets ``CRON_TZ=<timezone>``, which
    cronie (Fedora, RHEL, Arch) and some other crons honour for the lines below it; Debian's
    and Ubuntu's cron ignore it, and there 05:00 means 05:00 system time.
    """
    # In a crontab an unescaped % ends the command.
    line = f"{shlex.join(command)} >> {shlex.quote(str(log_file))} 2>&1".replace("%", r"\%")
    return f"""{BEGIN_MARK}
# Tetra's daily data job, written by `tetra schedule install`.
CRON_TZ={timezone}
{at.minute} {at.hour} * * * {line}
{END_MARK}
"""


def systemd_units(command: Sequence[str], at: dt.time, timezone: str) -> dict[str, str]:
    """Return a oneshot ``tetra-daily.service`` and the ``tetra-daily.timer`` that starts it.

    ``OnCalendar`` names the timezone (systemd 235+). With ``Persistent=true`` a run missed
    while the machine was off happens once at the next boot, and one missed while it was
    suspended on resume. Output goes to the journal: ``journalctl --user -u tetra-daily``.
    User timers run while the user's systemd instance does: ``loginctl enable-linger``
    keeps it running when the user is logged out.
    """
    exec_start = " ".join(_systemd_quote(arg) for arg in command)
    service = f"""[Unit]
Description=Tetra daily data job

[Service]
Type=oneshot
ExecStart={exec_start}
"""
    timer = f"""[Unit]
Description=Run the Tetra daily data job at {at:%H:%M} {timezone}

[Timer]
OnCalendar=*-*-* {at:%H:%M}:00 {timezone}
Persistent=true

[Install]
WantedBy=timers.target
"""
    return {SERVICE_UNIT: service, TIMER_UNIT: timer}


def _systemd_quote(arg: str) -> str:
    escaped = arg.replace("%", "%%").replace("$", "$$")
    if re.fullmatch(r"[\w@%+=:,./$-]+", escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def launchd_plist(command: Sequence[str], at: dt.time, log_dir: Path) -> str:
    """Return a launchd agent (label ``org.tetra.daily``) running `command` daily at `at`.

    launchd reads the time in the system timezone. A run missed while the Mac slept happens
    on wake; one missed while it was off does not.
    """
    agent = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": list(command),
        "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
        "StandardOutPath": str(log_dir / "daily.launchd.stdout.log"),
        "StandardErrorPath": str(log_dir / "daily.launchd.stderr.log"),
        "RunAtLoad": False,
    }
    return plistlib.dumps(agent).decode()


def logrotate_config(log_dir: Path) -> str:
    """Return a logrotate config for the cron output file (the job rotates its own log)."""
    return f"""{log_dir / CRON_LOG} {{
    daily
    rotate 14
    compress
    missingok
    notifempty
    copytruncate
}}
"""


def entry_files(
    kind: EntryKind, command: Sequence[str], at: dt.time, timezone: str, log_dir: Path
) -> dict[str, str]:
    """Return the files (name to content) that schedule `command` with the `kind` scheduler."""
    if kind is EntryKind.SYSTEMD:
        return systemd_units(command, at, timezone)
    if kind is EntryKind.LAUNCHD:
        return {PLIST: launchd_plist(command, at, log_dir)}
    return {
        CRONTAB_BLOCK: cron_entry(command, at, timezone, log_dir / CRON_LOG),
        LOGROTATE: logrotate_config(log_dir),
    }


def write_entries(files: Mapping[str, str], target_dir: Path) -> list[Path]:
    """Write `files` into `target_dir` (created if missing); return the paths written."""
    target_dir.mkdir(parents=True, exist_ok=True)
    paths = {target_dir / name: content for name, content in files.items()}
    for path, content in paths.items():
        path.write_text(content, encoding="utf-8")
    return list(paths)


def remove_entries(kind: EntryKind, target_dir: Path) -> list[Path]:
    """Delete the files of `kind` from `target_dir`; return those that existed.

    For systemd this includes the ``timers.target.wants`` link that enabling the timer made.
    """
    paths = [target_dir / name for name in _ENTRY_NAMES[kind]]
    if kind is EntryKind.SYSTEMD:
        paths.append(target_dir / "timers.target.wants" / TIMER_UNIT)
    removed = [path for path in paths if path.is_symlink() or path.exists()]
    for path in removed:
        path.unlink()
    return removed


def activation_commands(kind: EntryKind, target_dir: Path) -> list[list[str]]:
    """Return the commands that make systemd or launchd load the written entries.

    Cron has none: its block is merged into the user's crontab (`install_crontab_block`).
    """
    if kind is EntryKind.SYSTEMD:
        return [_systemctl("daemon-reload"), _systemctl("enable", "--now", TIMER_UNIT)]
    if kind is EntryKind.LAUNCHD:
        return [["launchctl", "bootstrap", f"gui/{os.getuid()}", str(target_dir / PLIST)]]
    return []


def deactivation_commands(kind: EntryKind) -> list[list[str]]:
    """Return the commands that make systemd or launchd drop the entries, once removed."""
    if kind is EntryKind.SYSTEMD:
        return [_systemctl("stop", TIMER_UNIT), _systemctl("daemon-reload")]
    if kind is EntryKind.LAUNCHD:
        return [["launchctl", "bootout", f"gui/{os.getuid()}/{LAUNCHD_LABEL}"]]
    return []


def _systemctl(*args: str) -> list[str]:
    return ["systemctl", "--user", *args]


def crontab_install_command(target_dir: Path) -> str:
    """Return the shell line that appends the written block to the user's crontab."""
    block = shlex.quote(str(target_dir / CRONTAB_BLOCK))
    return f"(crontab -l 2>/dev/null; cat {block}) | crontab -"


def run_commands(commands: Sequence[Sequence[str]]) -> None:
    """Run each command in turn; raise `ScheduleError` naming the first that fails."""
    for argv in commands:
        _run(argv)


def install_crontab_block(block: str) -> None:
    """Put `block` into the user's crontab, replacing an earlier Tetra block."""
    _run(["crontab", "-"], stdin=crontab_with_block(_current_crontab(), block))


def remove_crontab_block() -> None:
    """Take Tetra's block out of the user's crontab, leaving every other line."""
    _run(["crontab", "-"], stdin=crontab_without_block(_current_crontab()))


def _current_crontab() -> str:
    # `crontab -l` fails when the user has no crontab yet: that is an empty one.
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    return listed.stdout if listed.returncode == 0 else ""


def _run(argv: Sequence[str], stdin: str | None = None) -> None:
    try:
        subprocess.run(argv, input=stdin, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", None) or error
        raise ScheduleError(f"`{shlex.join(argv)}` failed: {detail}") from error


def crontab_with_block(crontab: str, block: str) -> str:
    """Return `crontab` with Tetra's block replaced by (or appended as) `block`."""
    kept = crontab_without_block(crontab).rstrip("\n")
    return f"{kept}\n{block}" if kept else block


def crontab_without_block(crontab: str) -> str:
    """Return `crontab` without the lines between Tetra's BEGIN and END marks."""
    kept: list[str] = []
    inside = False
    for line in crontab.splitlines(keepends=True):
        if line.strip() == BEGIN_MARK:
            inside = True
        elif line.strip() == END_MARK:
            inside = False
        elif not inside:
            kept.append(line)
    return "".join(kept)
