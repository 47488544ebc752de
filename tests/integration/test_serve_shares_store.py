"""One writer, no conflict: CLI writers run while `tetra serve` holds the embedded store.

A real `tetra serve` on a loopback port holds the sample DuckDB store; a real `tetra
pipeline` run on the sample source (what the scheduler starts) is handed to it, completes,
and the server keeps answering meanwhile. A command the server does not run explains
itself; `tetra jobs` lists and shows the handed-over run; a serving record left by a killed
server is ignored.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TETRA = str(Path(sys.executable).parent / "tetra")
KEY = "serve-test-key"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-API-Key": KEY})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TETRA_", "PROMETHEUS_"))}
    return {**env, "TETRA_DATA_DIR": str(tmp_path / "data"), "TETRA_API_KEY": KEY}


@contextmanager
def _serving(environment: dict[str, str], data: Path, kind: str) -> Iterator[str]:
    """Run `tetra serve --<kind>` until its serving record appears; yield its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [TETRA, "serve", f"--{kind}", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    record = data / (
        "sample.duckdb.serving.json" if kind == "sample" else "tetra.duckdb.serving.json"
    )
    deadline = time.monotonic() + 90
    while not record.exists():
        assert process.poll() is None, f"the server exited with {process.returncode}"
        assert time.monotonic() < deadline, "the server never wrote its serving record"
        time.sleep(0.2)
    found = json.loads(record.read_text())
    assert found["pid"] == process.pid
    assert found["url"] == f"http://127.0.0.1:{port}"
    assert record.stat().st_mode & 0o077 == 0  # it holds the API key: owner only
    try:
        yield found["url"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not record.exists()  # a server that stops takes its record away


@pytest.fixture
def server(environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    with _serving(environment, tmp_path / "data", "sample") as url:
        yield url


def _tetra(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TETRA, *args], env=environment, capture_output=True, text=True, timeout=300
    )


def test_a_pipeline_run_during_serving_is_handed_to_the_server_which_keeps_answering(
    environment: dict[str, str], server: str
) -> None:
    run = subprocess.Popen(
        [
            TETRA,
            "pipeline",
            "--source",
            "sample",
            "--mode",
            "backfill",
            "--days",
            "10",
            "--symbols",
            "SPY",
            "QQQ",
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers = []
    while run.poll() is None:  # the server answers reads all through the run
        status, _ = _get(f"{server}/api/pipeline/runs")
        answers.append(status)
        time.sleep(0.2)
    out, err = run.communicate()

    assert run.returncode == 0, out + err
    assert "running `tetra pipeline` there" in " ".join(err.split())
    assert "success" in out
    assert "market_data" in out
    assert answers
    assert set(answers) == {200}
    _, body = _get(f"{server}/api/pipeline/runs")
    runs = json.loads(body)["items"]
    assert [r["status"] for r in runs] == ["success"]
    _, bars = _get(f"{server}/api/market/bars/SPY?start=2000-01-01")
    assert json.loads(bars)  # the run's bars are in the store the server reads

    listed = _tetra(environment, "jobs", "list", "--sample")
    assert listed.returncode == 0, listed.stderr
    assert "tetra pipeline" in listed.stdout
    assert " done " in listed.stdout
    job_id = listed.stdout.split("cmd-")[1].split()[0]
    shown = _tetra(environment, "jobs", "show", f"cmd-{job_id}", "--sample")
    assert shown.returncode == 0
    assert "exit code 0" in shown.stdout
    assert "data_quality" in shown.stdout  # the run's own output, kept by the server
    refused = _tetra(environment, "jobs", "cancel", f"cmd-{job_id}", "--sample")
    assert refused.returncode == 1
    assert "has finished" in refused.stderr


def test_a_command_the_server_does_not_run_names_the_holder_and_what_to_do(
    environment: dict[str, str], server: str
) -> None:
    result = _tetra(environment, "trade", "status", "--sample")

    said = " ".join(result.stderr.split())
    assert result.returncode == 1
    assert "held by `tetra serve`" in said
    assert server in said
    assert "stop the server and run it again, or use the web app or the API" in said


def test_a_serving_record_of_a_dead_server_is_ignored(
    environment: dict[str, str], tmp_path: Path
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    record = tmp_path / "data" / "sample.duckdb.serving.json"
    record.parent.mkdir(parents=True)
    record.write_text(
        json.dumps(
            {
                "url": "http://127.0.0.1:9",
                "pid": dead.pid,
                "api_key": KEY,
                "kind": "sample",
                "started_at": "2026-01-01T00:00:00+00:00",
            }
        )
    )

    result = _tetra(environment, "store", "info", "--sample")

    assert result.returncode == 0, result.stderr
    assert "held by" not in result.stderr
    assert not record.exists()


def test_the_schedulers_after_run_job_runs_in_the_server_of_the_live_store(
    environment: dict[str, str], tmp_path: Path
) -> None:
    with _serving(environment, tmp_path / "data", "live") as url:
        result = _tetra(environment, "schedule", "after-run")
        status, _ = _get(f"{url}/api/pipeline/runs")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "running `tetra schedule after-run` there" in " ".join(result.stderr.split())
    assert "alerts:" in result.stdout
    assert "firing" in result.stdout
    assert status == 200
