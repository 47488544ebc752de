"""The CLI commands `tetra serve` runs in its own process for clients (`CommandRunner`).

Only commands that end by themselves, ask nothing and fork nothing are taken: the data
pipeline, the daily cycle and reports, the scheduler's after-run, store upkeep and reads.
A command runs exactly as typed at a terminal, with the server's settings, its `console`
and `errors` output captured into the job (plain text, no live bars), and every store it
opens by URL shared with the server (`serving.host`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TextIO

import typer
from rich.console import Console

from tetra.cli.common import captured_output

log = logging.getLogger(__name__)

OUTPUT_WIDTH = 120

# (command, subcommand or None): what a client may hand over.
HOSTED_COMMANDS: tuple[tuple[str, str | None], ...] = (
    ("pipeline", None),
    ("coverage", None),
    ("cycle", "run"),
    ("cycle", "replay"),
    ("cycle", "books"),
    ("report", "sod"),
    ("report", "eod"),
    ("schedule", "after-run"),
    ("store", "info"),
    ("store", "migrate"),
    ("store", "backup"),
    ("store", "backups"),
    ("universe", "list"),
    ("universe", "groups"),
    ("backtest", "list"),
    ("risk", "report"),
    ("risk", "limits"),
    ("risk", "check"),
)


def hosted_name(argv: Sequence[str]) -> str | None:
    """Return the command `argv` names (``"cycle run"``) if the server takes it, else None."""
    if not argv or "--help" in argv:
        return None
    for command, sub in HOSTED_COMMANDS:
        if argv[0] != command:
            continue
        if sub is None:
            return command
        if len(argv) > 1 and argv[1] == sub:
            return f"{command} {sub}"
    return None


class HostedCommands:
    """Runs the `tetra` commands of `HOSTED_COMMANDS` in this process."""

    def commands(self) -> list[str]:
        return [command if sub is None else f"{command} {sub}" for command, sub in HOSTED_COMMANDS]

    def refusal(self, argv: Sequence[str]) -> str | None:
        if hosted_name(argv) is not None:
            return None
        said = " ".join(argv[:2]) or "(nothing)"
        return f"the server does not run `tetra {said}`; it runs: " + ", ".join(self.commands())

    def run(self, argv: Sequence[str], out: TextIO, err: TextIO) -> int:
        from tetra.cli.main import app
        from tetra.cli.pipeline import expand_variadic

        command = typer.main.get_command(app)
        printed = Console(file=out, width=OUTPUT_WIDTH, no_color=True, highlight=False)
        failed = Console(file=err, width=OUTPUT_WIDTH, no_color=True, highlight=False)
        with captured_output(printed, failed):
            try:
                result = command.main(
                    expand_variadic(list(argv)), prog_name="tetra", standalone_mode=False
                )
            except typer.Abort:
                return 1
            except typer.TyperException as error:  # a usage error (Typer's own click's)
                formatted = getattr(error, "format_message", None)
                said = formatted() if callable(formatted) else str(error)
                failed.print(f"error: {said}", markup=False)
                code: int = getattr(error, "exit_code", 1)
                return code
            except Exception as error:  # a client's command must report, not kill the server
                log.exception("`tetra %s` failed in the server", " ".join(argv))
                failed.print(f"error: {type(error).__name__}: {error}", markup=False)
                return 1
        return result if isinstance(result, int) else 0
