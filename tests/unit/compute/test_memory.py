"""`keep_freed_memory`: freed panels are reused without page faults, and users can opt out."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="glibc's mallopt",
)


def probe(**env: str) -> dict[str, int | bool]:
    clean = {k: v for k, v in os.environ.items() if k != "TETRA_KEEP_FREED_MEMORY"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, int | bool] = json.loads(run.stdout)
    return result


@glibc
def test_a_freed_panel_is_reused_without_faulting_its_pages_again() -> None:
    result = probe()
    assert result["applied"] is True
    assert result["again"] is True
    assert result["faults"] < 100  # 2,442 pages of 4 KiB if the kernel had to supply them


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
    assert user_tuned({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"})
    assert not user_tuned({"GLIBC_TUNABLES": "glibc.pthread.rseq=0"})
