"""The processes compose.yml starts, run directly: migrate, the API, the scheduler's metrics.

Same commands and settings as the compose services, on a throwaway PostgreSQL database and
free loopback ports; the API answers /healthz and a bearer-token scrape of /metrics, and the
scheduler serves its (multiprocess) metrics while it waits for 05:00.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
TETRA = str(Path(sys.executable).parent / "tetra")
KEY = "deploy-test-key"
pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str, headers: dict[str, str] | None = None, seconds: float = 60.0) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture
def environment(postgres_databases: Callable[[str], str], tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TETRA_", "PROMETHEUS_"))}
    return {
        **env,
        "TETRA_STORE_URL": postgres_databases("tetra_deploy"),
        "TETRA_DATA_DIR": str(tmp_path / "data"),
        "TETRA_API_KEY": KEY,
    }


@pytest.fixture
def started() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def _compose_command(service: str) -> list[str]:
    command: list[str] = yaml.safe_load((ROOT / "compose.yml").read_text())["services"][service][
        "command"
    ]
    return [TETRA, *command[1:]]


def test_the_compose_processes_migrate_serve_and_expose_metrics(
    environment: dict[str, str], started: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    migrated = subprocess.run(_compose_command("migrate"), env=environment, capture_output=True)
    assert migrated.returncode == 0, migrated.stderr
    api_port, scheduler_port = _free_port(), _free_port()
    api = _compose_command("api")
    api[api.index("--host") + 1] = "127.0.0.1"
    api[api.index("--port") + 1] = str(api_port)
    scheduler = _compose_command("scheduler")
    scheduler[scheduler.index("--log-dir") + 1] = str(tmp_path / "logs")
    scheduler_env = {
        **environment,
        "TETRA_OPS__METRICS_HOST": "127.0.0.1",
        "TETRA_OPS__METRICS_PORT": str(scheduler_port),
    }

    started(api, environment)
    started(scheduler, scheduler_env)
    health = _get(f"http://127.0.0.1:{api_port}/healthz")
    scraped = _get(
        f"http://127.0.0.1:{api_port}/metrics", headers={"Authorization": f"Bearer {KEY}"}
    )
    scheduler_metrics = _get(f"http://127.0.0.1:{scheduler_port}/metrics")

    assert '"status":"ok"' in health
    assert "# TYPE tetra_pipeline_runs_total counter" in scraped
    assert "tetra_http_requests_total" in scraped
    assert (tmp_path / "data" / "metrics").is_dir()  # the multiprocess folder the jobs share
    assert scheduler_metrics.startswith("#") or scheduler_metrics == ""
