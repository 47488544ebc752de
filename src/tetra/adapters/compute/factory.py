"""Pick the executor a composition root runs on: Ray when an address is set, else local."""

from __future__ import annotations

from tetra.compute import Executor, LocalPool, PoolKind


def open_executor(
    ray_address: str | None, *, workers: int = 2, kind: PoolKind = "fork", ray_cpus: int = 2
) -> Executor:
    """Return a `RayExecutor` for `ray_address` (``auto``: a local Ray), else a `LocalPool`.

    Ray is imported only here, and only when asked for, so a machine without it runs locally.
    """
    if ray_address:
        from tetra.adapters.compute.ray import RayExecutor

        return RayExecutor(ray_address, num_cpus=ray_cpus)
    return LocalPool(workers, kind)
