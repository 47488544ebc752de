"""The chat answers while a slow query runs: its queries share a pool of read-only connections.

The pool is wired as `tetra serve` wires it (`build_chat`), over a real store of each kind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tetra.adapters.stores import open_store
from tetra.chat.pool import ExecutorPool
from tetra.chat.readonly import QueryTimedOut
from tetra.chat.service import ChatService
from tetra.cli.chat_wiring import build_chat
from tetra.settings import ChatSettings, Settings
from tetra.testing import bars_frame

SLOW = {
    "duckdb": "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b",
    "postgres": "SELECT pg_sleep(30)",
}
FAST = "SELECT count(*) AS bars FROM market_data.ohlcv"


@pytest.fixture
def chat_for(store_url: str) -> Iterator[Callable[[int], tuple[ChatService, str]]]:
    store = open_store(store_url)
    backend = "postgres" if store_url.startswith("postgres") else "duckdb"
    store.upsert("market_data.ohlcv", bars_frame(symbols=("AAA",), periods=5))
    services: list[ChatService] = []

    def make(pool_size: int) -> tuple[ChatService, str]:
        config = Settings(chat=ChatSettings(pool_size=pool_size, timeout_seconds=3.0))
        service = build_chat(config, store, store_url)
        assert service is not None
        services.append(service)
        return service, backend

    yield make
    for service in services:
        service.close()
    store.close()


def _in_background(call: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_slow_query_takes_one_connection_and_the_others_keep_answering(
    chat_for: Callable[[int], tuple[ChatService, str]],
) -> None:
    chat, backend = chat_for(4)
    pool = chat.executor
    assert isinstance(pool, ExecutorPool)
    slow, errors = _in_background(lambda: pool.run(SLOW[backend]))
    time.sleep(0.3)  # let the slow query start

    started = time.perf_counter()
    answers = [pool.run(FAST).frame["bars"].iloc[0] for _ in range(5)]
    answered_in = time.perf_counter() - started
    slow.join(timeout=30)

    assert answers == [5] * 5
    assert answered_in < 2.0  # well inside the slow query's 3 s
    assert len(errors) == 1
    assert isinstance(errors[0], QueryTimedOut)  # cut at its time limit
    assert pool.opened == 2


def test_with_one_connection_a_query_waits_at_most_its_time_limit(
    chat_for: Callable[[int], tuple[ChatService, str]],
) -> None:
    chat, backend = chat_for(1)
    pool = chat.executor
    assert isinstance(pool, ExecutorPool)
    slow, _ = _in_background(lambda: pool.run(SLOW[backend]))
    time.sleep(0.3)

    started = time.perf_counter()
    result = pool.run(FAST)  # waits for the one connection: the slow query is cut at 3 s
    waited = time.perf_counter() - started
    slow.join(timeout=30)

    assert result.frame["bars"].iloc[0] == 5
    assert 1.5 < waited < 6.0
