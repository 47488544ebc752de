"""CLI commands the server runs for clients, so one process writes the embedded store.

Map: a `CommandRunner` (given by the composition root, `tetra serve`) says which commands it
takes and runs one in this process, printing into two text streams. `CommandJobs` queues
the commands clients hand over (`POST /api/jobs/commands`): one runs at a time, in the
thread pool, its output kept in order (``out``/``err`` chunks a client reads from an
offset) with its exit code. Each change is published on the hub as
``{"type": "command", "job_id", "status"}``. A queued command can be cancelled; a running
one finishes (a pipeline run half-stopped would record itself as failed for no reason).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TextIO, cast

from tetra.api.deps import blocking
from tetra.api.events import EventHub

log = logging.getLogger(__name__)

CommandStatus = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: tuple[CommandStatus, ...] = ("done", "failed", "cancelled")
KEPT_COMMANDS = 200


class CommandRunner(Protocol):
    """Runs CLI commands in the server's process (contract for `tetra serve`'s runner)."""

    def commands(self) -> list[str]:
        """Return the commands it takes, e.g. ``["pipeline", "cycle run"]``."""

    def refusal(self, argv: Sequence[str]) -> str | None:
        """Return why `argv` cannot run in the server, or None when it can."""

    def run(self, argv: Sequence[str], out: TextIO, err: TextIO) -> int:
        """Run `argv` (without the program name) to its end; return its exit code.

        Prints only into `out` and `err`; never raises (a failure is a non-zero code and a
        message in `err`).
        """


@dataclass
class CommandJob:
    """One handed-over command: its argv, state, exit code and output so far."""

    job_id: str
    argv: tuple[str, ...]
    submitted_at: dt.datetime
    status: CommandStatus = "queued"
    exit_code: int | None = None
    output: list[tuple[Literal["out", "err"], str]] = field(default_factory=list)
    cancel_requested: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def write(self, stream: Literal["out", "err"], text: str) -> None:
        with self._lock:
            self.output.append((stream, text))

    def output_from(self, offset: int) -> list[tuple[Literal["out", "err"], str]]:
        with self._lock:
            return list(self.output[offset:])


class _JobStream(io.TextIOBase):
    """A text stream that appends what is written to one job's output."""

    def __init__(self, job: CommandJob, stream: Literal["out", "err"]) -> None:
        self._job, self._stream = job, stream

    def write(self, text: str) -> int:
        if text:
            self._job.write(self._stream, text)
        return len(text)

    def isatty(self) -> bool:
        return False


class CommandJobs:
    """The commands of one app: queued in order, run one at a time off the event loop."""

    def __init__(self, runner: CommandRunner, hub: EventHub) -> None:
        self._runner, self._hub = runner, hub
        self._jobs: OrderedDict[str, CommandJob] = OrderedDict()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._one_at_a_time = asyncio.Lock()

    def commands(self) -> list[str]:
        return self._runner.commands()

    def refusal(self, argv: Sequence[str]) -> str | None:
        return self._runner.refusal(argv)

    def get(self, job_id: str) -> CommandJob | None:
        return self._jobs.get(job_id)

    def all(self) -> list[CommandJob]:
        return list(self._jobs.values())

    async def submit(self, argv: Sequence[str], now: dt.datetime) -> CommandJob:
        """Queue `argv` (checked by the caller with `refusal`) and start it when its turn comes."""
        job = CommandJob(f"cmd-{uuid.uuid4().hex[:12]}", tuple(argv), now)
        self._remember(job)
        await self._publish(job)
        task = asyncio.create_task(self._guarded(job))
        self._tasks[job.job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job.job_id, None))
        return job

    async def cancel(self, job_id: str) -> CommandJob | None:
        """Cancel a queued command (it never starts); a running or finished one is unchanged."""
        job = self._jobs.get(job_id)
        if job is not None and job.status == "queued":
            job.cancel_requested = True
            task = self._tasks.get(job_id)
            if task is not None:
                task.cancel()
            await self._finish(job, "cancelled", None)
        return job

    def _remember(self, job: CommandJob) -> None:
        self._jobs[job.job_id] = job
        finished = [k for k, j in self._jobs.items() if j.status in FINISHED]
        for key in finished[: max(0, len(self._jobs) - KEPT_COMMANDS)]:
            del self._jobs[key]

    async def _guarded(self, job: CommandJob) -> None:
        try:
            await self._one_at_a_time.acquire()
        except asyncio.CancelledError:  # cancelled while queued (`cancel` said so)
            return
        try:
            if job.cancel_requested:
                return
            job.status = "running"
            await self._publish(job)
            code = await blocking(self._run, job)
            await self._finish(job, "done" if code == 0 else "failed", code)
        finally:
            self._one_at_a_time.release()

    def _run(self, job: CommandJob) -> int:
        log.info("running `tetra %s` for a client (%s)", " ".join(job.argv), job.job_id)
        out, err = (cast(TextIO, _JobStream(job, stream)) for stream in ("out", "err"))
        return self._runner.run(job.argv, out, err)

    async def _finish(self, job: CommandJob, status: CommandStatus, code: int | None) -> None:
        job.status, job.exit_code = status, code
        await self._publish(job)

    async def _publish(self, job: CommandJob) -> None:
        await self._hub.publish({"type": "command", "job_id": job.job_id, "status": job.status})
