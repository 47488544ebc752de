"""The server's job queue: research jobs and the CLI commands clients hand over."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from tetra.api.backtest_jobs import BacktestJobs, Job
from tetra.api.command_jobs import FINISHED, CommandJob, CommandJobs
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.routes.backtests import JobsDep
from tetra.api.schemas.jobs import CommandIn, CommandsOut, JobDetail, JobOut, OutputChunk

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=ERROR_RESPONSES)

JobId = Annotated[str, Path(max_length=128, description="The job's id.")]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: ERROR_RESPONSES[404] | {"description": "The job cannot be cancelled now."}
}
NO_RUNNER: dict[int | str, dict[str, Any]] = {
    503: ERROR_RESPONSES[404] | {"description": "This server runs no commands."}
}


def commands(request: Request) -> CommandJobs:
    """Return the app's command queue; 503 when the server was built without a runner."""
    found: CommandJobs | None = getattr(request.app.state, "command_jobs", None)
    if found is None:
        raise HTTPException(status_code=503, detail="this server runs no CLI commands")
    return found


CommandsDep = Annotated[CommandJobs, Depends(commands)]


@router.get("", response_model=list[JobOut], summary="Jobs of the queue, oldest first")
async def list_jobs(request: Request, research: JobsDep) -> list[JobOut]:
    queue: CommandJobs | None = getattr(request.app.state, "command_jobs", None)
    found = [_research(job) for job in research.all()]
    found += [_command(job) for job in (queue.all() if queue else [])]
    return found


@router.get(
    "/commands", response_model=CommandsOut, summary="Commands the server runs", responses=NO_RUNNER
)
async def list_commands(queue: CommandsDep) -> CommandsOut:
    return CommandsOut(commands=queue.commands())


@router.post(
    "/commands",
    response_model=JobOut,
    status_code=202,
    summary="Run a tetra command in the server's process",
    responses=NO_RUNNER,
)
async def submit_command(body: CommandIn, request: Request, queue: CommandsDep) -> JobOut:
    """Queue a command line (e.g. the daily pipeline) to run where the store is open.

    Commands run one at a time, with the server's settings; read the output and exit code
    from `GET /api/jobs/{job_id}`. A command the server does not take is a 422 saying why.
    """
    refusal = queue.refusal(body.argv)
    if refusal is not None:
        raise RequestValidationError([{"loc": ("body", "argv"), "msg": refusal}])
    job = await queue.submit(body.argv, request.app.state.clock.now())
    return _command(job)


@router.get("/{job_id}", response_model=JobDetail, summary="One job, with a command's output")
async def show_job(
    job_id: JobId,
    request: Request,
    research: JobsDep,
    output_from: Annotated[int, Query(ge=0, description="Output chunks already read.")] = 0,
) -> JobDetail:
    queue: CommandJobs | None = getattr(request.app.state, "command_jobs", None)
    command = queue.get(job_id) if queue else None
    if command is not None:
        chunks = command.output_from(output_from)
        return JobDetail(
            **_command(command).model_dump(),
            output=[OutputChunk(stream=stream, text=text) for stream, text in chunks],
            output_next=output_from + len(chunks),
        )
    return JobDetail(**_research(_research_job(research, job_id)).model_dump())


@router.delete(
    "/{job_id}",
    response_model=JobOut,
    status_code=202,
    summary="Cancel a queued job, or a running backtest or sweep",
    responses=CONFLICT,
)
async def cancel_job(job_id: JobId, request: Request, research: JobsDep) -> JobOut:
    """Cancel: a queued job never starts; a running sweep drops the backtests not started.

    A running command finishes (409), as does any finished job.
    """
    queue: CommandJobs | None = getattr(request.app.state, "command_jobs", None)
    command = queue.get(job_id) if queue else None
    if command is not None and queue is not None:
        if command.status != "queued":
            said = "finishes what it started" if command.status == "running" else "has finished"
            raise HTTPException(status_code=409, detail=f"the command {said} ({command.status})")
        cancelled = await queue.cancel(job_id)
        assert cancelled is not None
        return _command(cancelled)
    job = _research_job(research, job_id)
    if job.status in ("done", "failed", "cancelled"):
        raise HTTPException(status_code=409, detail=f"the {job.kind} is already {job.status}")
    found = await research.cancel(job_id)
    assert found is not None
    return _research(found)


def _research_job(research: BacktestJobs, job_id: str) -> Job:
    job = research.get(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id!r}")
    return job


def _research(job: Job) -> JobOut:
    return JobOut(
        job_id=job.job_id, kind=job.kind, status=job.status, progress=job.progress, error=job.error
    )


def _command(job: CommandJob) -> JobOut:
    return JobOut(
        job_id=job.job_id,
        kind="command",
        status=job.status,
        argv=list(job.argv),
        exit_code=job.exit_code,
        submitted_at=job.submitted_at,
        error=None
        if job.status not in FINISHED or job.exit_code in (0, None)
        else f"exit code {job.exit_code}",
    )
