"""The executor port on Ray: tasks as Ray remote calls, results back in task order.

``address="auto"`` starts a local Ray in this process with `num_cpus` CPUs (and shuts it
down on `close`); any other address (``ray://head:10001``, ``head:6379``) connects to a
running cluster, whose workers must have Tetra installed. The function is put in Ray's
object store once per map and every task references it, so a chunk task ships two
integers. Results are fetched in submission order with at most a few tasks per CPU in
flight, so the driver's memory stays bounded like the local pool's; a map closed early lets
those few finish instead of cancelling them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import ray

from tetra.compute.executor import ClosingContext, TaskFailed
from tetra.compute.local import tune_allocator

Task = TypeVar("Task")
Result = TypeVar("Result")

LOCAL = "auto"
IN_FLIGHT_PER_CPU = 2


def _apply(function: Callable[[Any], Any], task: Any) -> Any:
    tune_allocator()  # a Ray worker is a worker process like a pool's; idempotent
    return function(task)


# A worker that dies mid-task (killed, out of memory) is retried on another: tasks are pure,
# and results are taken once per task in order, so a retry never duplicates a result.
_remote_apply = ray.remote(max_retries=3)(_apply)


class RayExecutor(ClosingContext):
    """Run tasks on a Ray cluster, or on a local Ray started for this executor."""

    def __init__(self, address: str, *, num_cpus: int = 2) -> None:
        self._address = address
        self._started_here = False
        if not ray.is_initialized():
            if address == LOCAL:
                ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False)
            self._started_here = True
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        self._cpus = max(1, int(resources.get("CPU", num_cpus)))

    @property
    def name(self) -> str:
        where = "local" if self._address == LOCAL else self._address
        return f"ray ({where}, {self._cpus} CPUs)"

    @property
    def workers(self) -> int:
        return self._cpus

    def map(self, function: Callable[[Task], Result], tasks: Iterable[Task]) -> Iterator[Result]:
        """Yield ``function(task)`` for each task, in task order."""
        shipped = ray.put(function)
        window = self._cpus * IN_FLIGHT_PER_CPU
        pending: deque[Any] = deque()
        position = 0
        try:
            for task in tasks:
                pending.append(_remote_apply.remote(shipped, task))
                if len(pending) >= window:
                    yield _fetched(pending.popleft(), position)
                    position += 1
            while pending:
                yield _fetched(pending.popleft(), position)
                position += 1
        finally:
            # Left alone, not cancelled: at most `window` tasks finish and their results are
            # freed with the references. Ray 2.60's `ray.cancel` races a reply in flight and
            # aborts the driver ("Tried to complete task that was not pending", in
            # task_manager.cc): seen here about once in 200 maps closed early.
            pending.clear()

    def close(self) -> None:
        """Shut Ray down if this executor started it; leave a shared cluster running."""
        if self._started_here and ray.is_initialized():
            ray.shutdown()
        self._started_here = False


def _fetched(reference: Any, position: int) -> Any:
    try:
        return ray.get(reference)
    except ray.exceptions.RayTaskError as error:
        raise TaskFailed(position, error.cause or error) from error
