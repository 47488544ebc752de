"""Request and response models of the job queue (`/api/jobs`): research jobs and commands."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

JobKind = Literal["backtest", "sweep", "walk_forward", "ml_evaluation", "command"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
Argument = Annotated[str, StringConstraints(max_length=1000)]


class CommandIn(BaseModel):
    """A `tetra` command line to run in the server's process, without the program name."""

    model_config = ConfigDict(extra="forbid")

    argv: list[Argument] = Field(
        min_length=1,
        max_length=200,
        description='e.g. ["pipeline", "--mode", "daily"]; see GET /api/jobs/commands.',
    )


class JobOut(BaseModel):
    """One job of the server's queue: a backtest, a sweep, a walk-forward or a command."""

    job_id: str
    kind: JobKind
    status: JobStatus
    progress: float | None = Field(
        default=None, description="0..1 for research jobs; null for commands."
    )
    error: str | None = None
    argv: list[str] | None = Field(default=None, description="A command's arguments.")
    exit_code: int | None = Field(default=None, description="A finished command's exit code.")
    submitted_at: dt.datetime | None = None


class OutputChunk(BaseModel):
    stream: Literal["out", "err"]
    text: str


class JobDetail(JobOut):
    """A job with a command's output from `output_from` on; read on from `output_next`."""

    output: list[OutputChunk] = Field(default_factory=list)
    output_next: int = 0


class CommandsOut(BaseModel):
    """The commands this server runs for clients (`tetra <words> ...`)."""

    commands: list[str]
