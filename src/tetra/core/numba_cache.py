"""Numba's on-disk cache, kept per version of Tetra's source.

Kernels are compiled with ``cache=True``, and numba decides whether a cached kernel is still
good from the timestamp and size of the one file that defines it. A kernel that calls
functions in other files (the fill kernel calls the exchange, the exits and the risk gate)
is not recompiled when only those files change: after an upgrade or an edit it would keep
running the old fill rules, with no error. `use_source_keyed_cache` points numba's cache at
``<cache home>/tetra/numba/<digest of every source file of the package>``, so any change
to the source starts a fresh cache. It does nothing when ``NUMBA_CACHE_DIR`` is set (the user
chose) or when that folder cannot be created (numba then caches beside the sources, as before).
Old digests' folders are left for the user to remove; each holds a few MB.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def source_digest(root: Path = PACKAGE) -> str:
    """A short digest of the names and contents of every .py file below `root`."""
    digest = hashlib.blake2b(digest_size=10)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_home() -> Path:
    configured = os.environ.get("XDG_CACHE_HOME")
    return Path(configured) if configured else Path.home() / ".cache"


def use_source_keyed_cache() -> Path | None:
    """Set numba's cache folder for this source; return it, or None where left unchanged."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    folder = cache_home() / "tetra" / "numba" / source_digest()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    config = sys.modules.get("numba.core.config")  # numba imported first: tell it directly
    if config is not None:
        config.CACHE_DIR = str(folder)  # type: ignore[attr-defined]
    return folder
