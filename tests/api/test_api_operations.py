"""/metrics for Prometheus (bearer token) and /api/monitor/alerts, over a seeded DuckDB store."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.core.clock import FixedClock
from tetra.core.telemetry import NullTelemetry, install
from tetra.data.ports import Store
from tetra.monitoring import HaltedBooks, StaleData, check_alerts
from tetra.risk.killswitch import KillSwitchBoard

pytestmark = pytest.mark.anyio
SYMBOLS = ("AAA", "BBB")


@pytest.fixture
def bars_store(tmp_path: Path) -> Iterator[Store]:
    with seeded_store(tmp_path, SYMBOLS, 260) as store:
        yield store


@pytest.fixture
def app(bars_store: Store) -> FastAPI:
    return create_app(bars_store, api_key=KEY)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


async def _scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}]
)
async def test_metrics_refuse_a_scrape_without_the_right_bearer_token(
    app: FastAPI, headers: dict[str, str]
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as bare:
        response = await bare.get("/metrics", headers=headers)

    assert response.status_code == 401


async def test_a_finished_backtest_job_and_its_requests_are_counted(
    client: httpx.AsyncClient,
) -> None:
    body = {
        "strategy": "sma_crossover",
        "symbols": list(SYMBOLS),
        "start": "2023-01-02",
        "end": "2023-12-29",
        "params": {"fast": 5, "slow": 20},
    }
    accepted = await client.post("/api/backtests/runs", json=body)
    path = f"/api/backtests/runs/{accepted.json()['run_id']}"
    for _ in range(600):
        if (await client.get(path)).json()["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.05)

    text = await _scrape(client)

    assert 'tetra_research_jobs_total{kind="backtest",status="done"} 1.0' in text
    assert 'tetra_research_job_seconds_count{kind="backtest"} 1.0' in text
    assert 'tetra_http_requests_total{method="POST",route="/api/backtests/runs",status="202"}' in (
        text
    )
    assert 'tetra_http_request_seconds_count{method="POST",route="/api/backtests/runs"}' in text


async def test_alerts_list_firing_first_and_resolved_only_on_request(
    client: httpx.AsyncClient, bars_store: Store
) -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # years after the seeded bars: stale
    check_alerts(bars_store, [StaleData(), HaltedBooks()], [], now)

    firing = (await client.get("/api/monitor/alerts")).json()
    text = await _scrape(client)

    assert [(a["alert_id"], a["state"], a["severity"]) for a in firing] == [
        ("stale_data:market_data.ohlcv", "firing", "critical")
    ]
    assert firing[0]["first_seen"].startswith("2030-01-01")
    assert 'tetra_alerts_firing{rule="stale_data"} 1.0' in text
    assert 'tetra_data_age_seconds{dataset="market_data.ohlcv"}' in text


async def test_a_scrape_reads_the_kill_switches_another_process_set_in_the_store(
    bars_store: Store, client: httpx.AsyncClient
) -> None:
    before = await _scrape(client)
    clock = FixedClock(dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    previous = install(NullTelemetry())  # as another process: nothing reaches this registry
    try:
        KillSwitchBoard(bars_store, clock).set("*", True, "market halt drill", "ops")
    finally:
        install(previous)
    after = await _scrape(client)

    assert 'tetra_kill_switch_engaged{scope="*"}' not in before
    assert 'tetra_kill_switch_engaged{scope="*"} 1.0' in after
