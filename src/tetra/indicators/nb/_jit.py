"""The one place that imports numba: a typed `njit` decorator with on-disk caching."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numba

Kernel = TypeVar("Kernel", bound=Callable[..., object])


def njit(kernel: Kernel) -> Kernel:
    """Compile `kernel` in nopython mode, GIL released, machine code cached beside the source."""
    return cast(Kernel, numba.njit(cache=True, nogil=True)(kernel))
