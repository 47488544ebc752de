from __future__ import annotations

import datetime as dt
import plistlib
from pathlib import Path

from tetra.scheduler.install import (
    CRONTAB_BLOCK,
    END_MARK,
    EntryKind,
    daily_command,
    entry_files,
    write_entries,
)
from tetra.scheduler.report_jobs import (
    remove_report_entries,
    report_activation_commands,
    report_jobs,
    with_report_jobs,
)

TETRA = Path("/opt/tetra/bin/tetra")
LOGS = Path("/var/log/tetra")
FIVE = dt.time(5, 0)


def files(kind: EntryKind) -> dict[str, str]:
    base = entry_files(kind, daily_command(TETRA, LOGS), FIVE, "America/New_York", LOGS)
    return with_report_jobs(kind, base, report_jobs(TETRA), "America/New_York", LOGS)


def test_the_cron_block_runs_sod_at_seven_and_eod_at_seventeen_inside_the_tetra_marks() -> None:
    block = files(EntryKind.CRON)[CRONTAB_BLOCK]

    lines = block.splitlines()
    assert (
        "0 7 * * * /opt/tetra/bin/tetra report sod --send >> /var/log/tetra/tetra-sod.cron.log 2>&1"
        in lines
    )
    eod = "0 17 * * * /opt/tetra/bin/tetra report eod --send"
    assert f"{eod} >> /var/log/tetra/tetra-eod.cron.log 2>&1" in lines
    assert lines[-1] == END_MARK
    assert any(line.startswith("0 5 * * * ") for line in lines)


def test_systemd_gets_a_timer_per_report_in_the_book_timezone() -> None:
    units = files(EntryKind.SYSTEMD)

    assert "OnCalendar=*-*-* 07:00:00 America/New_York" in units["tetra-sod.timer"]
    assert "OnCalendar=*-*-* 17:00:00 America/New_York" in units["tetra-eod.timer"]
    assert "ExecStart=/opt/tetra/bin/tetra report eod --send" in units["tetra-eod.service"]
    assert "Tetra end-of-day report" in units["tetra-eod.service"]
    command = report_activation_commands(EntryKind.SYSTEMD, report_jobs(TETRA), Path("/u"))
    assert command == [
        ["systemctl", "--user", "enable", "--now", "tetra-sod.timer", "tetra-eod.timer"]
    ]


def test_launchd_gets_a_labelled_agent_per_report() -> None:
    agents = files(EntryKind.LAUNCHD)

    sod = plistlib.loads(agents["org.tetra.sod.plist"].encode())
    assert sod["Label"] == "org.tetra.sod"
    assert sod["StartCalendarInterval"] == {"Hour": 7, "Minute": 0}
    assert sod["ProgramArguments"][-3:] == ["report", "sod", "--send"]


def test_uninstall_removes_only_the_report_files(tmp_path: Path) -> None:
    write_entries(files(EntryKind.SYSTEMD), tmp_path)

    removed = remove_report_entries(EntryKind.SYSTEMD, report_jobs(TETRA), tmp_path)

    assert sorted(p.name for p in removed) == [
        "tetra-eod.service",
        "tetra-eod.timer",
        "tetra-sod.service",
        "tetra-sod.timer",
    ]
    assert (tmp_path / "tetra-daily.timer").exists()
