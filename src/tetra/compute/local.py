"""Executors on this machine: in this process, or a pool of processes or threads.

`LocalPool` starts its workers for each `map` and installs the function in every worker
once (a pool initializer), so a task is only its small argument: a Monte Carlo chunk is
two integers, not the fitted model again. Processes are forked by default on Linux (the
children share the parent's memory pages, nothing big is pickled) and started with
``spawn`` or ``forkserver`` where forking is unsafe, e.g. inside a server running threads
and an event loop; ``thread`` suits work that releases the GIL (the numba kernels do).

Worker processes also keep freed memory for reuse (`tune_allocator`): glibc serves every
allocation above 128 KiB with a fresh mmap and unmaps it on free, so a worker that builds
and drops a few 2-10 MB arrays per Monte Carlo path pays a page fault per 4 KiB of each,
every time (measured: about a third of a path's time on 100 x 2,520 bars).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Literal, TypeVar

from tetra.compute.executor import ClosingContext, TaskFailed

Task = TypeVar("Task")
Result = TypeVar("Result")
PoolKind = Literal["fork", "forkserver", "spawn", "thread"]

IN_FLIGHT_PER_WORKER = 2
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (glibc malloc.h)
MMAP_THRESHOLD = 64 * 1024 * 1024  # arrays up to this size come from the reusable heap
TRIM_THRESHOLD = 256 * 1024 * 1024  # free heap kept before returning it to the system
_installed: list[Callable[[Any], Any]] = []  # the function of this worker process


class SerialExecutor(ClosingContext):
    """Run every task in this process, one after the other (tests, one-core machines)."""

    name = "this process"
    workers = 1

    def map(self, function: Callable[[Task], Result], tasks: Iterable[Task]) -> Iterator[Result]:
        """Yield ``function(task)`` for each task, in order."""
        for position, task in enumerate(tasks):
            try:
                yield function(task)
            except Exception as error:
                raise TaskFailed(position, error) from error


class LocalPool(ClosingContext):
    """A pool of `workers` local processes (or threads) per map; see the module docstring."""

    def __init__(self, workers: int = 2, kind: PoolKind = "fork") -> None:
        if workers < 1:
            raise ValueError(f"a pool needs at least one worker, not {workers}")
        self._workers, self._kind = workers, kind

    @property
    def name(self) -> str:
        unit = "threads" if self._kind == "thread" else f"processes, {self._kind}"
        return f"local pool ({self._workers} {unit})"

    @property
    def workers(self) -> int:
        return self._workers

    def map(self, function: Callable[[Task], Result], tasks: Iterable[Task]) -> Iterator[Result]:
        """Yield ``function(task)`` for each task, in order, at most a few tasks ahead."""
        pool = self._pool(function)
        call: Callable[[Task], Result] = function if self._kind == "thread" else _call
        try:
            yield from ordered(pool, call, tasks, self._workers * IN_FLIGHT_PER_WORKER)
        finally:  # also when the caller stops early or a task failed: drop what is queued
            pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self, function: Callable[[Any], Any]) -> FuturesExecutor:
        if self._kind == "thread":
            return ThreadPoolExecutor(self._workers, thread_name_prefix="tetra-pool")
        return ProcessPoolExecutor(
            self._workers,
            mp_context=multiprocessing.get_context(self._kind),
            initializer=_install,
            initargs=(function,),
        )


def ordered(
    pool: FuturesExecutor,
    call: Callable[[Task], Result],
    tasks: Iterable[Task],
    window: int,
) -> Iterator[Result]:
    """Submit `tasks` to `pool` at most `window` ahead; yield results in task order."""
    pending: deque[Future[Result]] = deque()
    position = 0
    for task in tasks:
        pending.append(pool.submit(call, task))
        if len(pending) >= window:
            yield _result(pending.popleft(), position)
            position += 1
    while pending:
        yield _result(pending.popleft(), position)
        position += 1


def _result(future: Future[Result], position: int) -> Result:
    try:
        return future.result()
    except Exception as error:
        raise TaskFailed(position, error) from error


def _install(function: Callable[[Any], Any]) -> None:
    tune_allocator()
    _installed[:] = [function]


def tune_allocator() -> bool:
    """Make this worker process reuse freed memory (glibc only; elsewhere a no-op).

    Return whether the setting took. Call it in worker processes, never in a server.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


def _call(task: Any) -> Any:
    return _installed[0](task)
