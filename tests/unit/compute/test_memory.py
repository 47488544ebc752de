"""`keep_freed_memory`: freed panels are reused without page faults, and users can opt out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tetra.compute.memory import user_tuned

PROBE = """
import json, resource
import numpy as np
from tetra.compute.memory import keep_freed_memory
applied = keep_freed_memory()
again = keep_freed_memory()
panel = np.ones((2520, 500)); del panel  # 10 MB, as a 500-symbol, 10-year panel
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
panel = np.ones((2520, 500))
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(json.dumps({"applied": applied, "again": again, "faults": faults}))
"""

# A worker thread, as the guards decide on one: it allocates and frees 80 MB of panels per
# round (more than a glibc thread arena's 64 MiB heap), as a strategy's decision does.
THREAD_PROBE = """
import json, resource, threading
import numpy as np
from tetra.compute.memory import keep_freed_memory
keep_freed_memory()
faults = []
def rounds():
    for round in range(4):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        panels = [np.ones((2520, 500)) for _ in range(8)]
        del panels
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
worker = threading.Thread(target=rounds)
worker.start(); worker.join()
print(json.dumps({"faults": faults[1:]}))
"""

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="glibc's mallopt",
)


def probe(script: str = PROBE, **env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if k != "TETRA_KEEP_FREED_MEMORY"}
    run = subprocess.run(
        [sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


@glibc
def test_a_freed_panel_is_reused_without_faulting_its_pages_again() -> None:
    result = probe()
    assert result["applied"] is True
    assert result["again"] is True
    assert result["faults"] < 100  # 2,442 pages of 4 KiB if the kernel had to supply them


@glibc
def test_a_worker_threads_freed_panels_are_reused_too() -> None:
    # 8 x 2,442 pages a round if its arena unmapped them; below 100 once the first round
    # has grown the shared heap
    assert max(probe(THREAD_PROBE)["faults"]) < 100


@glibc
@pytest.mark.parametrize(
    "env",
    [{"TETRA_KEEP_FREED_MEMORY": "0"}, {"MALLOC_TRIM_THRESHOLD_": "131072"}],
    ids=["opted-out", "user-tuned"],
)
def test_nothing_changes_when_the_user_opts_out_or_tuned_malloc(env: dict[str, str]) -> None:
    assert probe(**env)["applied"] is False


def test_user_tuned_reads_the_glibc_variables() -> None:
    assert not user_tuned({"PATH": "/bin"})
    assert user_tuned({"MALLOC_MMAP_THRESHOLD_": "1"})
    assert user_tuned({"MALLOC_ARENA_MAX": "4"})
    assert user_tuned({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"})
    assert not user_tuned({"GLIBC_TUNABLES": "glibc.pthread.rseq=0"})
