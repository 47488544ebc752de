"""`tetra schedule`: run the daily data job by itself, via cron, systemd or launchd."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, serve_multiprocess
from tetra.cli.common import console, errors, fail_cleanly, settings
from tetra.core.clock import SystemClock
from tetra.scheduler.daily import (
    DEFAULT_TIMEZONE,
    JOB_ID,
    ScheduleError,
    build_scheduler,
    next_run,
    parse_at,
    zone_info,
)
from tetra.scheduler.install import (
    CRONTAB_BLOCK,
    LOGROTATE,
    EntryKind,
    activation_commands,
    crontab_install_command,
    daily_command,
    deactivation_commands,
    entry_files,
    install_crontab_block,
    remove_crontab_block,
    remove_entries,
    run_commands,
    write_entries,
)
from tetra.scheduler.operations import after_daily_run
from tetra.scheduler.report_jobs import (
    remove_report_entries,
    report_activation_commands,
    report_jobs,
    with_report_jobs,
)
from tetra.settings import Settings

app = typer.Typer(help="Run Tetra's daily data job by itself, every day.", no_args_is_help=True)

DEFAULT_LOG_DIR = Path("~/.local/state/tetra/logs")

KindOption = Annotated[
    EntryKind | None,
    typer.Option(
        "--kind",
        help="Which OS scheduler runs the job.",
        show_default="systemd on Linux if present, launchd on macOS, else cron",
    ),
]
AtOption = Annotated[str, typer.Option("--at", help="Time of day, HH:MM (24-hour clock).")]
TimezoneOption = Annotated[str, typer.Option("--timezone", help="IANA timezone of --at.")]
LogDirOption = Annotated[Path, typer.Option("--log-dir", help="Where the job writes its logs.")]
TargetDirOption = Annotated[
    Path | None,
    typer.Option("--target-dir", help="Where the entry files go.", show_default="per kind"),
]
ActivateOption = Annotated[
    bool, typer.Option("--activate", help="Also run crontab/systemctl/launchctl now.")
]
SodOption = Annotated[str, typer.Option("--sod", help="Start-of-day report time, HH:MM.")]
EodOption = Annotated[str, typer.Option("--eod", help="End-of-day report time, HH:MM.")]
ReportsOption = Annotated[
    bool, typer.Option("--reports/--no-reports", help="Also schedule the SOD and EOD reports.")
]
ExecutableOption = Annotated[
    Path | None,
    typer.Option("--executable", help="The tetra command to run.", show_default="this one"),
]


@app.command()
def install(
    kind: KindOption = None,
    at: AtOption = "05:00",
    timezone: TimezoneOption = DEFAULT_TIMEZONE,
    log_dir: LogDirOption = DEFAULT_LOG_DIR,
    target_dir: TargetDirOption = None,
    executable: ExecutableOption = None,
    activate: ActivateOption = False,
    sod: SodOption = "07:00",
    eod: EodOption = "17:00",
    reports: ReportsOption = True,
) -> None:
    """Write the OS scheduler entries: the daily data job, and the SOD and EOD reports."""
    time_of_day = _time_of_day(at, timezone)
    kind = kind or default_kind()
    target = (target_dir or default_target_dir(kind)).expanduser().absolute()
    logs = log_dir.expanduser().absolute()
    with fail_cleanly():
        tetra = executable.expanduser().absolute() if executable else tetra_executable()
    command = daily_command(tetra, logs)
    logs.mkdir(parents=True, exist_ok=True)
    files = entry_files(kind, command, time_of_day, timezone, logs)
    jobs = report_jobs(tetra, _time_of_day(sod, timezone), _time_of_day(eod, timezone))
    jobs = jobs if reports else []
    files = with_report_jobs(kind, files, jobs, timezone, logs)
    for path in write_entries(files, target):
        console.print(f"wrote {path}", soft_wrap=True)
    _warn_if_system_zone_differs(kind, timezone)
    if activate:
        with fail_cleanly():
            _activate(kind, target)
            run_commands(report_activation_commands(kind, jobs, target))
        console.print(f"activated the {kind} entry")
    else:
        console.print("To activate it, run:")
        for line in _activation_lines(kind, target, logs):
            _print_verbatim(f"  {line}")
        for argv in report_activation_commands(kind, jobs, target):
            _print_verbatim(f"  {shlex.join(argv)}")
    _print_next_run(time_of_day, timezone)


@app.command("run")
def run_in_foreground(
    at: AtOption = "05:00",
    timezone: TimezoneOption = DEFAULT_TIMEZONE,
    log_dir: LogDirOption = DEFAULT_LOG_DIR,
    executable: ExecutableOption = None,
) -> None:
    """Stay running and start the daily job at AT every day (no cron or systemd needed).

    Each run is a separate `tetra pipeline --mode daily` process, so a crash in one run
    cannot stop the schedule. Stop with Ctrl+C.
    """
    time_of_day = _time_of_day(at, timezone)
    logs = log_dir.expanduser().absolute()
    with fail_cleanly():
        command = daily_command(executable or tetra_executable(), logs)
    logs.mkdir(parents=True, exist_ok=True)
    serve_scheduler_metrics(settings())
    after = [command[0], "schedule", "after-run"]

    def job() -> None:
        outcome = subprocess.run(command, check=False)
        console.print(f"daily run finished with exit code {outcome.returncode}")
        checked = subprocess.run(after, check=False)
        console.print(f"alert check and backup finished with exit code {checked.returncode}")

    scheduler = build_scheduler(job, at=time_of_day, timezone=timezone)
    scheduler.start()
    _print_next_run(time_of_day, timezone)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("stopping the scheduler")
    finally:
        scheduler.shutdown(wait=False)


def serve_scheduler_metrics(config: Settings) -> None:
    """Serve /metrics for this process and its daily-run children when a port is set.

    The children write their samples to a shared folder (prometheus-client's multiprocess
    mode), emptied here first as that mode requires.
    """
    port = config.ops.metrics_port
    if port is None:
        return
    folder = (config.data_dir / "metrics").absolute()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROCESS_ENV] = str(folder)  # inherited by every job process
    serve_multiprocess(config.ops.metrics_host, port)
    console.print(f"metrics on http://{config.ops.metrics_host}:{port}/metrics")


@app.command("after-run", hidden=True)
def after_run() -> None:
    """Check the alert rules and back the live store up (what `run` does after each job)."""
    report = after_daily_run(settings(), SystemClock())
    if report.alerts is not None:
        console.print(f"alerts: {len(report.alerts.firing)} firing")
    if report.backup is not None:
        console.print(f"backed up the live store to {report.backup}", soft_wrap=True)
    for problem in report.problems:
        errors.print(problem, soft_wrap=True, markup=False)
    if report.problems:
        raise typer.Exit(1)


@app.command()
def show(at: AtOption = "05:00", timezone: TimezoneOption = DEFAULT_TIMEZONE) -> None:
    """Print when the daily job runs next."""
    _print_next_run(_time_of_day(at, timezone), timezone)


@app.command()
def uninstall(
    kind: KindOption = None,
    target_dir: TargetDirOption = None,
    activate: ActivateOption = False,
) -> None:
    """Remove the entries `install` wrote (and, with --activate, unload them)."""
    kind = kind or default_kind()
    target = (target_dir or default_target_dir(kind)).expanduser().absolute()
    block_file = target / CRONTAB_BLOCK
    block = block_file.read_text(encoding="utf-8") if block_file.exists() else ""
    removed = remove_entries(kind, target)
    removed += remove_report_entries(kind, report_jobs(Path("tetra")), target)
    for path in removed:
        console.print(f"removed {path}", soft_wrap=True)
    if not removed:
        console.print(f"no {kind} entries in {target}", soft_wrap=True)
    if activate:
        with fail_cleanly():
            _deactivate(kind)
        console.print(f"deactivated the {kind} entry")
    elif kind is EntryKind.CRON:
        console.print("Remove these lines from your crontab (`crontab -e`):")
        _print_verbatim(block or f"# BEGIN {JOB_ID}\n...\n# END {JOB_ID}")
    elif removed and deactivation_commands(kind):
        console.print("To unload it, run:")
        for argv in deactivation_commands(kind):
            _print_verbatim(f"  {shlex.join(argv)}")


def default_kind(platform: str = sys.platform, home: Path | None = None) -> EntryKind:
    """Pick systemd on Linux when it is there, launchd on macOS, else cron."""
    if platform == "darwin":
        return EntryKind.LAUNCHD
    has_systemd = ((home or Path.home()) / ".config" / "systemd").exists() or bool(
        shutil.which("systemctl")
    )
    if platform.startswith("linux") and has_systemd:
        return EntryKind.SYSTEMD
    return EntryKind.CRON


def default_target_dir(kind: EntryKind) -> Path:
    """Return where `kind`'s entries belong for the current user."""
    if kind is EntryKind.SYSTEMD:
        return Path.home() / ".config" / "systemd" / "user"
    if kind is EntryKind.LAUNCHD:
        return Path.home() / "Library" / "LaunchAgents"
    return Path.home() / ".config" / "tetra" / "schedule"


def tetra_executable() -> Path:
    """Return the absolute path of the ``tetra`` command running now (or on PATH)."""
    beside_python = Path(sys.executable).parent / "tetra"
    for candidate in (Path(sys.argv[0]), beside_python):
        if candidate.name == "tetra" and candidate.is_file():
            return candidate.resolve()
    found = shutil.which("tetra")
    if found is None:
        raise ScheduleError("cannot find the `tetra` executable; pass --executable")
    return Path(found).resolve()


def _time_of_day(at: str, timezone: str) -> dt.time:
    try:
        zone_info(timezone)
    except ScheduleError as error:
        raise typer.BadParameter(str(error), param_hint="--timezone") from error
    try:
        return parse_at(at)
    except ScheduleError as error:
        raise typer.BadParameter(str(error), param_hint="--at") from error


def _activate(kind: EntryKind, target: Path) -> None:
    if kind is EntryKind.CRON:
        install_crontab_block((target / CRONTAB_BLOCK).read_text(encoding="utf-8"))
    else:
        run_commands(activation_commands(kind, target))


def _deactivate(kind: EntryKind) -> None:
    if kind is EntryKind.CRON:
        remove_crontab_block()
    else:
        run_commands(deactivation_commands(kind))


def _activation_lines(kind: EntryKind, target: Path, logs: Path) -> list[str]:
    if kind is EntryKind.CRON:
        state, config = shlex.quote(str(logs / "logrotate.state")), target / LOGROTATE
        rotate = f"0 4 * * * logrotate -s {state} {shlex.quote(str(config))}"
        return [crontab_install_command(target), f"# optional, to rotate its output: {rotate}"]
    lines = [shlex.join(argv) for argv in activation_commands(kind, target)]
    if kind is EntryKind.SYSTEMD:
        lines.append("loginctl enable-linger  # optional: also run while you are logged out")
    return lines


def _warn_if_system_zone_differs(kind: EntryKind, timezone: str) -> None:
    if kind is EntryKind.SYSTEMD:
        return
    now = SystemClock().now()
    if now.astimezone().utcoffset() != now.astimezone(zone_info(timezone)).utcoffset():
        honoured = "honours CRON_TZ only with cronie" if kind is EntryKind.CRON else "ignores it"
        errors.print(
            f"[yellow]note:[/] this machine is not on {timezone} time, and {kind} {honoured}: "
            "the job may run at that time of the system clock instead."
        )


def _print_verbatim(text: str) -> None:
    # Unwrapped and unstyled, so that it can be copied into a shell or a crontab.
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _print_next_run(at: dt.time, timezone: str) -> None:
    now = SystemClock().now()
    when = next_run(at, timezone, now)
    hours, seconds = divmod(int((when - now).total_seconds()), 3600)
    console.print(
        f"next run: {when:%a %Y-%m-%d %H:%M %Z} ({when.astimezone(dt.UTC):%H:%M} UTC, "
        f"in {hours} h {seconds // 60} min)"
    )
