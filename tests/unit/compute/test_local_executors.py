"""The local executors pass the executor contract; a bad pool size is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tetra.compute import Executor, LocalPool, SerialExecutor
from tetra.testing.executor_contract import CHECKS

EXECUTORS: dict[str, Callable[[], Executor]] = {
    "serial": SerialExecutor,
    "fork": lambda: LocalPool(2, "fork"),
    "thread": lambda: LocalPool(2, "thread"),
}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("kind", list(EXECUTORS))
def test_local_executor_keeps_the_contract(kind: str, check: Callable[[Executor], None]) -> None:
    with EXECUTORS[kind]() as executor:
        check(executor)


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="at least one worker"):
        LocalPool(0)
