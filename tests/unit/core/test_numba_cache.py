"""Numba's cache is kept per version of the source, so an edited callee never runs stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tetra.core.numba_cache import source_digest

KERNEL = "import numpy as np\nfrom tetra.indicators import sma\nsma(np.arange(100.0), 5)\n"


def run(env: dict[str, str]) -> None:
    clean = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", KERNEL], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_kernels_are_cached_under_the_digest_of_the_source(tmp_path: Path) -> None:
    run({"XDG_CACHE_HOME": str(tmp_path)})

    folder = tmp_path / "tetra" / "numba" / source_digest()
    assert any(folder.rglob("*sma_2d_nb*.nbi"))  # the kernel's index, in this source's folder


def test_a_cache_folder_the_user_chose_is_left_alone(tmp_path: Path) -> None:
    chosen = tmp_path / "mine"
    run({"XDG_CACHE_HOME": str(tmp_path / "home"), "NUMBA_CACHE_DIR": str(chosen)})

    assert any(chosen.rglob("*sma_2d_nb*.nbi"))
    assert not (tmp_path / "home" / "tetra").exists()


def test_editing_any_file_changes_the_digest(tmp_path: Path) -> None:
    (tmp_path / "kernel.py").write_text("def fill(x):\n    return rule(x)\n")
    (tmp_path / "rules.py").write_text("def rule(x):\n    return x + 1\n")
    before = source_digest(tmp_path)

    (tmp_path / "rules.py").write_text("def rule(x):\n    return x + 2\n")  # only the callee

    assert source_digest(tmp_path) != before
    (tmp_path / "rules.py").write_text("def rule(x):\n    return x + 1\n")
    assert source_digest(tmp_path) == before
