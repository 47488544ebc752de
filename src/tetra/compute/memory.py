"""Keep freed memory in the process, so array-heavy work reuses pages instead of faulting.

A backtest builds many short-lived (T, N) panels (10 MB each at 500 symbols x 10 years):
the strategy's indicators and orders, the kernel's outputs, and with the default guards
four more decisions. glibc serves blocks that large with `mmap` and returns them to the
kernel on `free`, so each new panel starts on untouched pages that the kernel must fault
in and zero; measured at 500 symbols, half of a crossover strategy's decision time and a
third of a guarded run were those faults. `keep_freed_memory` raises glibc's mmap
threshold to its 64-bit maximum (32 MiB) and its trim threshold (1 GiB by default), so
freed panels stay in the heap and the next one reuses them.

Threads too: glibc gives a second thread its own arena, whose heaps are mmap'd regions of
at most 64 MiB that it unmaps and maps again as panels come and go. The guards decide on
a worker thread, and at 500 symbols its arena took 5,000 to 11,000 page faults a guarded
run (none unguarded), 49 -> 57 ms. So the tuning also caps glibc at one arena
(`M_ARENA_MAX`), the main heap that every thread then shares. It must run before a thread
first allocates; `run_backtest` calls it before it starts the guard thread.

The costs: a process keeps up to the trim threshold of freed memory instead of returning
it at once (still reusable by anything it allocates next), and threads that allocate with
the GIL released (numba kernels) take one malloc lock. Nothing is changed where a user
already tuned malloc (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`,
`MALLOC_ARENA_MAX`, or malloc tunables in `GLIBC_TUNABLES`), where
`TETRA_KEEP_FREED_MEMORY=0`, or off glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024  # glibc refuses more on 64-bit
DEFAULT_TRIM_MIB = 1024

_lock = threading.Lock()
_state: dict[str, bool] = {}


def keep_freed_memory(trim_mib: int = DEFAULT_TRIM_MIB) -> bool:
    """Tune glibc's malloc once per process as the module says; return whether it applies."""
    with _lock:
        if "applied" not in _state:
            _state["applied"] = _tune(trim_mib)
        return _state["applied"]


def _tune(trim_mib: int) -> bool:
    if os.environ.get("TETRA_KEEP_FREED_MEMORY", "1").strip().lower() in ("0", "false", "no"):
        return False
    if user_tuned(os.environ):
        return False
    mallopt = _mallopt()
    if mallopt is None:
        return False
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)
        and mallopt(M_TRIM_THRESHOLD, min(trim_mib, 2047) * 1024 * 1024)
        and mallopt(M_ARENA_MAX, 1)
    )


def user_tuned(environ: dict[str, str] | os._Environ[str]) -> bool:
    """Whether the environment already sets glibc's malloc thresholds or tunables."""
    named = (
        "MALLOC_MMAP_THRESHOLD_",
        "MALLOC_TRIM_THRESHOLD_",
        "MALLOC_TOP_PAD_",
        "MALLOC_ARENA_MAX",
    )
    return any(name in environ for name in named) or "glibc.malloc" in environ.get(
        "GLIBC_TUNABLES", ""
    )


def _mallopt() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name).mallopt  # absent outside glibc (musl, macOS)
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return function
