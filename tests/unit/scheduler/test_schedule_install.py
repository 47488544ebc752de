"""Specification of the cron, systemd, launchd and logrotate entries for the daily job."""

from __future__ import annotations

import datetime as dt
import plistlib
from pathlib import Path

import pytest

from tetra.scheduler.install import (
    EntryKind,
    activation_commands,
    cron_entry,
    crontab_with_block,
    crontab_without_block,
    daily_command,
    deactivation_commands,
    entry_files,
    launchd_plist,
    logrotate_config,
    remove_entries,
    systemd_units,
    write_entries,
)

LOG_DIR = Path("/var/log/tetra")
COMMAND = daily_command(Path("/opt/tetra/bin/tetra"), LOG_DIR)
FIVE_AM = dt.time(5, 0)


def test_daily_command_runs_the_daily_pipeline_logging_into_the_log_dir() -> None:
    assert COMMAND == [
        "/opt/tetra/bin/tetra",
        "pipeline",
        "--mode",
        "daily",
        "--log-file",
        "/var/log/tetra/daily.log",
    ]


def test_cron_entry_is_a_marked_block_with_cron_tz_and_a_daily_line() -> None:
    block = cron_entry(COMMAND, FIVE_AM, "America/New_York", LOG_DIR / "daily.cron.log")

    lines = block.splitlines()
    assert lines[0] == "# BEGIN tetra-daily"
    assert lines[-1] == "# END tetra-daily"
    assert "CRON_TZ=America/New_York" in lines
    assert (
        "0 5 * * * /opt/tetra/bin/tetra pipeline --mode daily --log-file "
        "/var/log/tetra/daily.log >> /var/log/tetra/daily.cron.log 2>&1"
    ) in lines
    assert lines.index("CRON_TZ=America/New_York") < len(lines) - 2
    assert block.endswith("\n")


def test_cron_entry_puts_minute_before_hour() -> None:
    block = cron_entry(COMMAND, dt.time(18, 30), "UTC", LOG_DIR / "daily.cron.log")

    assert "\n30 18 * * * /opt/tetra/bin/tetra " in block


def test_cron_entry_quotes_spaces_and_escapes_percent_signs() -> None:
    command = daily_command(Path("/home/a b/bin/tetra"), Path("/logs/100%"))

    block = cron_entry(command, FIVE_AM, "UTC", Path("/logs/100%/daily.cron.log"))

    assert "'/home/a b/bin/tetra' pipeline" in block
    assert "/logs/100\\%/daily.log" in block
    assert "100%" not in block


def test_systemd_timer_fires_daily_in_the_timezone_and_catches_up_missed_runs() -> None:
    units = systemd_units(COMMAND, FIVE_AM, "America/New_York")

    timer = units["tetra-daily.timer"].splitlines()
    assert "OnCalendar=*-*-* 05:00:00 America/New_York" in timer
    assert "Persistent=true" in timer
    assert "WantedBy=timers.target" in timer


def test_systemd_service_is_a_oneshot_running_the_command() -> None:
    service = systemd_units(COMMAND, FIVE_AM, "America/New_York")["tetra-daily.service"]

    assert "Type=oneshot" in service.splitlines()
    assert f"ExecStart={' '.join(COMMAND)}" in service.splitlines()


def test_systemd_service_quotes_spaces_and_escapes_specifiers() -> None:
    command = daily_command(Path("/home/a b/bin/tetra"), Path("/logs/100%"))

    service = systemd_units(command, FIVE_AM, "UTC")["tetra-daily.service"]

    assert 'ExecStart="/home/a b/bin/tetra" pipeline' in service
    assert "/logs/100%%/daily.log" in service


def test_launchd_plist_parses_and_runs_the_command_at_five() -> None:
    agent = plistlib.loads(launchd_plist(COMMAND, FIVE_AM, LOG_DIR).encode())

    assert agent["Label"] == "org.tetra.daily"
    assert agent["ProgramArguments"] == COMMAND
    assert agent["StartCalendarInterval"] == {"Hour": 5, "Minute": 0}
    assert Path(agent["StandardOutPath"]).parent == LOG_DIR
    assert Path(agent["StandardErrorPath"]).parent == LOG_DIR
    assert agent["StandardOutPath"] != agent["StandardErrorPath"]


def test_logrotate_config_rotates_the_cron_output_daily_for_two_weeks() -> None:
    config = logrotate_config(LOG_DIR)

    assert config.startswith("/var/log/tetra/daily.cron.log {")
    directives = {line.strip() for line in config.splitlines()[1:-1]}
    assert directives == {
        "daily",
        "rotate 14",
        "compress",
        "missingok",
        "notifempty",
        "copytruncate",
    }


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        (EntryKind.CRON, {"tetra-daily.cron", "tetra-daily.logrotate"}),
        (EntryKind.SYSTEMD, {"tetra-daily.service", "tetra-daily.timer"}),
        (EntryKind.LAUNCHD, {"org.tetra.daily.plist"}),
    ],
)
def test_entries_are_written_into_and_removed_from_the_target_dir(
    kind: EntryKind, names: set[str], tmp_path: Path
) -> None:
    files = entry_files(kind, COMMAND, FIVE_AM, "America/New_York", LOG_DIR)

    written = write_entries(files, tmp_path / "target")
    removed = remove_entries(kind, tmp_path / "target")

    assert {path.name for path in written} == names
    assert set(removed) == set(written)
    assert list((tmp_path / "target").iterdir()) == []


def test_removing_systemd_entries_also_removes_the_enabled_timer_link(tmp_path: Path) -> None:
    write_entries(systemd_units(COMMAND, FIVE_AM, "UTC"), tmp_path)
    wants = tmp_path / "timers.target.wants"
    wants.mkdir()
    (wants / "tetra-daily.timer").symlink_to(tmp_path / "tetra-daily.timer")

    remove_entries(EntryKind.SYSTEMD, tmp_path)

    assert list(wants.iterdir()) == []


def test_removing_entries_that_are_not_there_removes_nothing(tmp_path: Path) -> None:
    assert remove_entries(EntryKind.CRON, tmp_path) == []


def test_crontab_with_block_appends_after_the_users_lines_once() -> None:
    block = cron_entry(COMMAND, FIVE_AM, "UTC", LOG_DIR / "daily.cron.log")
    users = "MAILTO=me\n15 * * * * backup\n"

    once = crontab_with_block(users, block)
    twice = crontab_with_block(once, block)

    assert once == users + block
    assert twice == once


def test_crontab_without_block_keeps_every_other_line() -> None:
    block = cron_entry(COMMAND, FIVE_AM, "UTC", LOG_DIR / "daily.cron.log")
    users = "MAILTO=me\n15 * * * * backup\n"

    assert crontab_without_block(f"{users}{block}@reboot other\n") == f"{users}@reboot other\n"


def test_systemd_activation_reloads_then_enables_the_timer(tmp_path: Path) -> None:
    commands = activation_commands(EntryKind.SYSTEMD, tmp_path)

    assert commands == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", "tetra-daily.timer"],
    ]
    assert deactivation_commands(EntryKind.SYSTEMD)[0][-2:] == ["stop", "tetra-daily.timer"]


def test_launchd_activation_bootstraps_the_written_plist(tmp_path: Path) -> None:
    [command] = activation_commands(EntryKind.LAUNCHD, tmp_path)

    assert command[:2] == ["launchctl", "bootstrap"]
    assert command[-1] == str(tmp_path / "org.tetra.daily.plist")
