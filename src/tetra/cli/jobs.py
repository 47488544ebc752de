"""`tetra jobs`: the running server's job queue (backtests, sweeps, handed-over commands)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import httpx
import typer
from rich.table import Table

from tetra.adapters.stores.serving import duckdb_path, live_server
from tetra.cli.common import KIND_OPTION, console, errors, settings, store_url
from tetra.cli.handoff import Refused, client_for, follow, message
from tetra.data.store_kind import StoreKind

app = typer.Typer(
    help="The job queue of the running `tetra serve`: list, show, follow and cancel jobs.",
    no_args_is_help=True,
)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="The server (default: the one serving the store; its key from data_dir/api_key).",
    ),
]
JobIdArgument = Annotated[str, typer.Argument(help="The job's id (from `tetra jobs list`).")]


@app.command("list")
def list_jobs(sample: bool = KIND_OPTION, url: UrlOption = None) -> None:
    """List the server's jobs, oldest first."""
    with _server(sample, url) as client:
        found = _answer(client.get("/api/jobs"))
    table = Table(title=f"{len(found)} job(s)")
    for column in ("id", "kind", "status", "progress", "command or error"):
        table.add_column(column)
    for job in found:
        table.add_row(job["job_id"], job["kind"], job["status"], _progress(job), _said(job))
    console.print(table)


@app.command("show")
def show_job(
    job_id: JobIdArgument,
    sample: bool = KIND_OPTION,
    url: UrlOption = None,
    follow_output: Annotated[
        bool, typer.Option("--follow", help="Print a command's output until it ends.")
    ] = False,
) -> None:
    """Show one job; a command's output so far (or, with --follow, to its end)."""
    with _server(sample, url) as client:
        if follow_output:
            raise typer.Exit(_followed(client, job_id))
        job = _answer(client.get(f"/api/jobs/{job_id}"))
    console.print(f"{job['job_id']}  {job['kind']}  {job['status']}  {_progress(job)}")
    if job.get("argv"):
        console.print("tetra " + " ".join(job["argv"]), markup=False, soft_wrap=True)
    if job.get("exit_code") is not None:
        console.print(f"exit code {job['exit_code']}")
    if job.get("error"):
        errors.print(job["error"], markup=False)
    for chunk in job.get("output", []):
        console.out(chunk["text"], end="", highlight=False)


@app.command("cancel")
def cancel_job(job_id: JobIdArgument, sample: bool = KIND_OPTION, url: UrlOption = None) -> None:
    """Cancel a queued job, or a running backtest or sweep (a running command finishes)."""
    with _server(sample, url) as client:
        job = _answer(client.delete(f"/api/jobs/{job_id}"))
    console.print(f"{job['job_id']}: {job['status']}")


@contextmanager
def _server(sample: bool, url: str | None) -> Iterator[httpx.Client]:
    """Connect to the server named by --url, or to the one serving the store; exit 1 if none."""
    kind = StoreKind.SAMPLE if sample else StoreKind.LIVE
    if url is None:
        path = duckdb_path(store_url(kind))
        record = None if path is None else live_server(path)
        if record is None:
            errors.print(
                f"error: no `tetra serve` is serving the {kind} store; start one, or pass --url",
                markup=False,
            )
            raise typer.Exit(1)
        url, key = record.url, record.api_key
    else:
        from tetra.api.deps import api_key_for

        key = api_key_for(settings())
    try:
        with client_for(url, key) as client:
            yield client
    except httpx.HTTPError as error:
        errors.print(f"error: the server at {url} did not answer: {error}", markup=False)
        raise typer.Exit(1) from None
    except Refused as refused:
        errors.print(f"error: {refused}", markup=False)
        raise typer.Exit(1) from None


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise Refused(message(response))
    return response.json()


def _followed(client: httpx.Client, job_id: str) -> int:
    job = _answer(client.get(f"/api/jobs/{job_id}"))
    if job["kind"] != "command":
        errors.print(f"{job_id} is a {job['kind']}; --follow prints a command's output")
        return 1
    return follow(client, job_id)


def _progress(job: dict[str, Any]) -> str:
    progress = job.get("progress")
    return "" if progress is None else f"{progress:.0%}"


def _said(job: dict[str, Any]) -> str:
    if job.get("argv"):
        return "tetra " + " ".join(job["argv"])
    return str(job.get("error") or "")
