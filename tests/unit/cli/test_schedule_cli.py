"""Specification of `tetra schedule install`, `show` and `uninstall` (never --activate)."""

from __future__ import annotations

import plistlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tetra.cli.schedule import app, default_kind
from tetra.scheduler.install import EntryKind

runner = CliRunner()

EXPECTED_FILES = {
    "cron": {"tetra-daily.cron", "tetra-daily.logrotate"},
    "systemd": {
        "tetra-daily.service",
        "tetra-daily.timer",
        "tetra-sod.service",
        "tetra-sod.timer",
        "tetra-eod.service",
        "tetra-eod.timer",
    },
    "launchd": {"org.tetra.daily.plist", "org.tetra.sod.plist", "org.tetra.eod.plist"},
}


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def install(kind: str, tmp_path: Path, *more: str) -> Result:
    return invoke(
        "install",
        "--kind",
        kind,
        "--target-dir",
        str(tmp_path / "target"),
        "--log-dir",
        str(tmp_path / "logs"),
        "--executable",
        "/opt/tetra/bin/tetra",
        *more,
    )


@pytest.mark.parametrize("kind", ["cron", "systemd", "launchd"])
def test_install_writes_the_entries_of_its_kind_and_says_how_to_activate(
    kind: str, tmp_path: Path
) -> None:
    result = install(kind, tmp_path)

    assert result.exit_code == 0, result.output
    assert {path.name for path in (tmp_path / "target").iterdir()} == EXPECTED_FILES[kind]
    assert (tmp_path / "logs").is_dir()
    assert "To activate it, run:" in result.output
    assert "next run:" in result.output


def test_install_schedules_the_daily_pipeline_with_its_log_file(tmp_path: Path) -> None:
    install("launchd", tmp_path, "--at", "6:15")

    agent = plistlib.loads((tmp_path / "target" / "org.tetra.daily.plist").read_bytes())
    assert agent["ProgramArguments"] == [
        "/opt/tetra/bin/tetra",
        "pipeline",
        "--mode",
        "daily",
        "--log-file",
        str(tmp_path / "logs" / "daily.log"),
    ]
    assert agent["StartCalendarInterval"] == {"Hour": 6, "Minute": 15}


def test_install_systemd_puts_the_timezone_in_the_timer(tmp_path: Path) -> None:
    install("systemd", tmp_path, "--timezone", "Europe/London")

    timer = (tmp_path / "target" / "tetra-daily.timer").read_text()
    assert "OnCalendar=*-*-* 05:00:00 Europe/London" in timer.splitlines()


def test_install_cron_prints_the_crontab_command_unwrapped(tmp_path: Path) -> None:
    result = install("cron", tmp_path)

    block = tmp_path / "target" / "tetra-daily.cron"
    assert f"(crontab -l 2>/dev/null; cat {block}) | crontab -" in result.output


@pytest.mark.parametrize("kind", ["cron", "systemd", "launchd"])
def test_uninstall_removes_what_install_wrote(kind: str, tmp_path: Path) -> None:
    install(kind, tmp_path)

    result = invoke("uninstall", "--kind", kind, "--target-dir", str(tmp_path / "target"))

    assert result.exit_code == 0, result.output
    assert list((tmp_path / "target").iterdir()) == []
    assert result.output.count("removed ") == len(EXPECTED_FILES[kind])


def test_uninstall_cron_prints_the_crontab_lines_to_remove(tmp_path: Path) -> None:
    install("cron", tmp_path)

    result = invoke("uninstall", "--kind", "cron", "--target-dir", str(tmp_path / "target"))

    assert "# BEGIN tetra-daily" in result.output
    assert "0 5 * * * /opt/tetra/bin/tetra pipeline --mode daily" in result.output


def test_uninstall_with_nothing_installed_says_so(tmp_path: Path) -> None:
    result = invoke("uninstall", "--kind", "systemd", "--target-dir", str(tmp_path))

    assert result.exit_code == 0
    assert f"no systemd entries in {tmp_path}" in result.output


@pytest.mark.parametrize(
    ("option", "value"), [("--at", "25:00"), ("--at", "five"), ("--timezone", "Mars/Olympus")]
)
def test_install_with_a_bad_value_fails_cleanly_naming_the_option(
    option: str, value: str, tmp_path: Path
) -> None:
    result = install("cron", tmp_path, option, value)

    assert result.exit_code == 2
    assert option in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "target").exists()


def test_show_prints_the_next_run_in_the_timezone() -> None:
    result = invoke("show", "--at", "05:00", "--timezone", "America/New_York")

    assert result.exit_code == 0
    assert "next run:" in result.output
    assert " 05:00 E" in result.output  # EST or EDT


def test_show_with_a_bad_time_fails_cleanly() -> None:
    result = invoke("show", "--at", "5pm")

    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_default_kind_is_launchd_on_macos(tmp_path: Path) -> None:
    assert default_kind("darwin", tmp_path) is EntryKind.LAUNCHD


def test_default_kind_is_systemd_on_linux_with_a_user_systemd_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    (tmp_path / ".config" / "systemd").mkdir(parents=True)

    assert default_kind("linux", tmp_path) is EntryKind.SYSTEMD


def test_default_kind_is_cron_on_linux_without_systemd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)

    assert default_kind("linux", tmp_path) is EntryKind.CRON


def test_run_in_foreground_schedules_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tetra.cli.schedule as schedule_module

    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(schedule_module.time, "sleep", interrupt)
    executable = tmp_path / "tetra"
    executable.write_text("#!/bin/sh\n")

    result = CliRunner().invoke(
        schedule_module.app,
        [
            "run",
            "--at",
            "05:00",
            "--log-dir",
            str(tmp_path / "logs"),
            "--executable",
            str(executable),
        ],
    )

    assert result.exit_code == 0, result.output
    assert "next run:" in result.output
    assert "stopping the scheduler" in result.output
    assert (tmp_path / "logs").is_dir()
