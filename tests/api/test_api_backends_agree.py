"""The same requests give the same JSON over DuckDB and over PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

REQUESTS = [
    "/api/market/bars/HIST?start=2023-03-01&end=2023-10-31&indicator=sma:20&indicator=macd"
    "&indicator=rsi:14&indicator=bollinger:20&indicator=ema:50",
    "/api/market/bars/AAA",
    "/api/market/bars/NOPE",
    "/api/market/macro",
    "/api/market/macro/CPIAUCSL",
    "/api/market/macro/CPIAUCSL?as_of=2024-04-15",
    "/api/market/macro/UNRATE",
    "/api/market/news",
    "/api/market/news?symbol=AAA&limit=1",
    "/api/market/events",
    "/api/pipeline/runs",
    "/api/pipeline/quarantine",
    "/api/pipeline/quality",
]


@pytest.mark.postgres
@pytest.mark.parametrize("path", REQUESTS)
def test_duckdb_and_postgresql_answer_the_same(client_for: Callable[[str], Any], path: str) -> None:
    duckdb, postgres = client_for("duckdb").get(path), client_for("postgres").get(path)

    assert duckdb.status_code == postgres.status_code
    assert duckdb.json() == postgres.json()
