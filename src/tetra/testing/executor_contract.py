"""The executor port's contract as checks, for every implementation (ours and yours).

Each check takes an open `Executor` and raises `AssertionError` when it breaks the port's
contract (`tetra.compute.executor`): results in task order, tasks consumed lazily, a
failing task reported by position. The functions shipped to workers live in this module,
so a remote worker (Ray) can import them like any other Tetra code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tetra.compute import Executor, TaskFailed


def square(value: int) -> int:
    return value * value


def fail_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three is not allowed")
    return value


def check_results_come_back_in_task_order(executor: Executor) -> None:
    got = list(executor.map(square, range(23)))
    assert got == [v * v for v in range(23)], got


def check_tasks_are_consumed_lazily(executor: Executor) -> None:
    taken: list[int] = []

    def tasks() -> Iterator[int]:
        for value in range(1_000):
            taken.append(value)
            yield value

    results = executor.map(square, tasks())
    assert next(results) == 0
    assert len(taken) <= 4 * executor.workers + 1, f"{len(taken)} tasks taken for one result"
    results.close()  # type: ignore[attr-defined]


def check_a_failing_task_names_its_position(executor: Executor) -> None:
    results = executor.map(fail_on_three, range(6))
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    caught: TaskFailed | None = None
    try:
        next(results)
    except TaskFailed as failure:
        caught = failure
    assert caught is not None, "a failing task did not raise TaskFailed"
    assert caught.position == 3, caught.position
    assert "task 3 failed: ValueError: three is not allowed" in str(caught), str(caught)


CHECKS: tuple[Callable[[Executor], None], ...] = (
    check_results_come_back_in_task_order,
    check_tasks_are_consumed_lazily,
    check_a_failing_task_names_its_position,
)
