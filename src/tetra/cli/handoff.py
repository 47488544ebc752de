"""Hand a CLI command to the `tetra serve` that holds the store, and follow it to its end.

DuckDB lets one process write a file. When `open_store` finds a live server holding the
store (`StoreServed`), the `tetra` entry point calls `hand_off`: the command line goes to
the server's job queue (`POST /api/jobs/commands`), runs there on the open store, and its
output is printed here as it comes, ending with its exit code. A command the server does
not take (`tetra.cli.hosted`) ends with a message naming the server and what to do.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

import httpx

from tetra.adapters.stores.serving import StoreServed
from tetra.cli.common import errors
from tetra.cli.hosted import hosted_name

POLL_SECONDS = 0.5
TIMEOUT_SECONDS = 30.0
FINISHED = ("done", "failed", "cancelled")
EXIT_INTERRUPTED = 130


def hand_off(served: StoreServed, argv: Sequence[str]) -> int:
    """Run `argv` in the server that holds the store; return the exit code to end with."""
    name = hosted_name(argv)
    if name is None:
        said = " ".join(argv[:2])
        errors.print(
            f"error: {served}. `tetra {said}` cannot run through the server: stop the server "
            "and run it again, or use the web app or the API.",
            markup=False,
            soft_wrap=True,
        )
        return 1
    errors.print(f"{served}: running `tetra {name}` there", style="dim", markup=False)
    record = served.record
    try:
        with client_for(record.url, record.api_key) as client:
            return follow(client, _submit(client, argv))
    except httpx.HTTPError as error:
        errors.print(
            f"error: the server at {record.url} (pid {record.pid}) did not answer: {error}. "
            "If it hangs, stop it; then run the command again.",
            markup=False,
            soft_wrap=True,
        )
        return 1
    except Refused as refused:
        errors.print(f"error: the server refused the command: {refused}", markup=False)
        return 1


def client_for(url: str, api_key: str) -> httpx.Client:
    """Return an HTTP client for the server at `url`, sending its API key."""
    return httpx.Client(base_url=url, headers={"X-API-Key": api_key}, timeout=TIMEOUT_SECONDS)


class Refused(Exception):
    """The server answered the hand-off with an error (an old server, a refusal)."""


def _submit(client: httpx.Client, argv: Sequence[str]) -> str:
    response = client.post("/api/jobs/commands", json={"argv": list(argv)})
    if response.status_code != 202:
        raise Refused(message(response))
    job_id: str = response.json()["job_id"]
    return job_id


def follow(client: httpx.Client, job_id: str) -> int:
    """Print the job's output as it comes; return its exit code (1 when cancelled)."""
    offset = 0
    try:
        while True:
            response = client.get(f"/api/jobs/{job_id}", params={"output_from": offset})
            if response.status_code != 200:
                raise Refused(message(response))
            job = response.json()
            offset = _print_output(job, offset)
            if job["status"] in FINISHED:
                code = job["exit_code"]
                return code if isinstance(code, int) else 1
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        errors.print(
            f"stopped following; the command goes on in the server as job {job_id}: "
            f"`tetra jobs show {job_id}` (a queued one can be cancelled: `tetra jobs cancel`)",
            markup=False,
            soft_wrap=True,
        )
        return EXIT_INTERRUPTED


def _print_output(job: dict[str, Any], offset: int) -> int:
    for chunk in job["output"]:
        stream = sys.stdout if chunk["stream"] == "out" else sys.stderr
        stream.write(chunk["text"])
        stream.flush()
    next_offset: int = job["output_next"]
    return max(offset, next_offset)


def message(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        details = error.get("details")
        return f"{error['message']}" + (f" ({details})" if details else "")
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"
