"""`lean`: numba compilation without reference counting, for the gate's per-bar steps.

The per-fill and per-bar steps of the risk gate run without numba's reference counting: they
allocate nothing, and counting a reference to each of the gate's ~20 arrays at every call
cost more than the steps themselves (a run of the standard case made about a million such
counts). A lean function may slice and index arrays but must not create one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

LEAN: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False}  # numba's private flag
Function = TypeVar("Function", bound=Callable[..., Any])


def lean(function: Function) -> Function:
    """Compile `function` like `numba.njit(cache=True, nogil=True)`, without reference counting."""
    return cast(Function, numba.njit(**LEAN)(function))


def lean_inline(function: Function) -> Function:
    """`lean`, inlined into its callers by numba (for small steps of inner loops)."""
    return cast(Function, numba.njit(**LEAN, inline="always")(function))


def lean_fast(function: Function) -> Function:
    """`lean` with the float reassociation numba calls fastmath (sums run on vector lanes in
    an order of the compiler's choosing): only for a result whose float error is covered."""
    flags = {"reassoc", "contract", "nsz", "arcp"}
    return cast(Function, numba.njit(**LEAN, fastmath=flags)(function))
