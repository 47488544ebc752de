"""The executor port's contract as checks that every implementation must pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tetra.compute import Executor, TaskFailed


def square(value: int) -> int:
    return value * value


def fail_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three is not allowed")
    return value


def check_results_come_back_in_task_order(executor: Executor) -> None:
    assert list(executor.map(square, range(23))) == [v * v for v in range(23)]


def check_tasks_are_consumed_lazily(executor: Executor) -> None:
    taken: list[int] = []

    def tasks() -> Iterator[int]:
        for value in range(1_000):
            taken.append(value)
            yield value

    results = executor.map(square, tasks())
    assert next(results) == 0
    assert len(taken) <= 4 * executor.workers + 1
    results.close()  # type: ignore[attr-defined]


def check_a_failing_task_names_its_position(executor: Executor) -> None:
    results = executor.map(fail_on_three, range(6))
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(TaskFailed, match="task 3 failed: ValueError: three is not allowed"):
        next(results)


CHECKS = (
    check_results_come_back_in_task_order,
    check_tasks_are_consumed_lazily,
    check_a_failing_task_names_its_position,
)
