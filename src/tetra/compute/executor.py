"""The executor port: one function over many tasks, results back in task order.

Contract, for every implementation (one test suite runs it on each):
- ``map(function, tasks)`` yields ``function(task)`` for every task, in the order of `tasks`,
  whatever order the workers finish in; so a computation whose tasks are deterministic is
  deterministic on any executor and any number of workers;
- it keeps at most a few tasks per worker submitted and not yet yielded, and consumes
  `tasks` lazily, so memory is bounded by the size of a task's result times that window,
  however many tasks there are;
- `function`, the tasks and the results cross process boundaries: they must pickle (Ray
  uses cloudpickle, process pools the standard pickle, so module-level callables and
  frozen dataclasses are the safe kind). `function` is shipped once per map, not per task;
- a task that raises stops the map: `TaskFailed` is raised at that task's position (the
  results before it were already yielded), naming the task's position and the cause;
  tasks still running are cancelled or left to finish, never yielded;
- `close` releases the workers; an executor is also a context manager.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Protocol, Self, TypeVar

from tetra.core.errors import TetraError

Task = TypeVar("Task")
Result = TypeVar("Result")


class TaskFailed(TetraError):
    """A task raised inside an executor; `position` is its index among the tasks."""

    def __init__(self, position: int, cause: BaseException) -> None:
        self.position = position
        super().__init__(f"task {position} failed: {type(cause).__name__}: {cause}")


class ClosingContext:
    """Context-manager behaviour for executors: leaving the block calls `close`."""

    def close(self) -> None:
        """Release the workers (nothing to release by default)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class Executor(Protocol):
    """Run one function over many tasks (see the module docstring for the contract)."""

    @property
    def name(self) -> str:
        """Say where work runs, e.g. ``local pool (2 processes)`` or ``ray (auto)``."""
        ...

    @property
    def workers(self) -> int:
        """Return how many tasks run at once."""
        ...

    def map(self, function: Callable[[Task], Result], tasks: Iterable[Task]) -> Iterator[Result]:
        """Yield ``function(task)`` for each task, in task order."""
        ...

    def close(self) -> None:
        """Release the workers; the executor cannot be used afterwards."""
        ...

    def __enter__(self) -> Self:
        """Return the executor itself."""
        ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Close the executor."""
        ...
