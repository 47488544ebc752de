"""An app over a DuckDB and over a PostgreSQL store, both filled with the same small sample.

The sample is written once per backend and session (the API only reads): bars and runs from
the real pipeline over `FakeBarSource` (one bad bar quarantined, three sessions missing),
a long bar history for indicators, corporate actions, two vintages of a macro series, news
with sentiment, earnings and economic events. PostgreSQL gets its own throwaway database so
the other suites' schema resets cannot touch it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from fastapi import FastAPI

from tetra.adapters.stores import open_store
from tetra.api.app import create_app
from tetra.chat.service import ChatService
from tetra.cli.chat_wiring import build_chat
from tetra.core.clock import FixedClock
from tetra.data.calendars import sessions
from tetra.data.pipeline import Mode, Pipeline, RunPlan, Sources, Step
from tetra.data.ports import Store
from tetra.data.sources import Window
from tetra.settings import LlmEndpoint, Settings
from tetra.testing import FakeBarSource, FakeLlmServer, bars_frame

API_KEY = "test-key"
HEADERS = {"X-API-Key": API_KEY}
WINDOW = Window(dt.date(2024, 11, 1), dt.date(2024, 12, 31))
PIPELINE_SYMBOLS = ("AAA", "BBB")
HISTORY_SYMBOL = "HIST"
HISTORY_BARS = 300
DROPPED = ("2024-11-27", "2024-11-29", "2024-12-02")
BACKENDS = [pytest.param("duckdb"), pytest.param("postgres", marks=pytest.mark.postgres)]


class ApiClient:
    """Calls an app in process over httpx's ASGI transport, with the API key by default."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", HEADERS)

        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(call())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def json(self, path: str, **kwargs: Any) -> Any:
        """GET `path`, check it answered 200, and return its JSON."""
        response = self.get(path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()


# --- the sample ---------------------------------------------------------------------------


def session_bars(symbol: str, seed: int) -> pd.DataFrame:
    days = pd.to_datetime(sessions(WINDOW.start, WINDOW.end)).tz_localize("UTC")
    close = 100 + seed + pd.Series(range(len(days)), dtype=float) * 0.1
    return pd.DataFrame(
        {
            "symbol": symbol,
            "interval": "1d",
            "ts": days,
            "open": close,
            "high": close + 1,
            "low": close - 1,
            "close": close,
            "volume": 1_000.0,
            "source": "fake",
        }
    )


def run_pipeline(store: Store) -> None:
    bars = {s: session_bars(s, i) for i, s in enumerate(PIPELINE_SYMBOLS)}
    bars["AAA"].loc[3, "high"] = 1.0  # high below open and close: quarantined
    dropped = pd.to_datetime(list(DROPPED)).tz_localize("UTC")
    bars["BBB"] = bars["BBB"][~bars["BBB"]["ts"].isin(dropped)]
    plan = RunPlan(
        mode=Mode.BACKFILL,
        window=WINDOW,
        steps=(Step.MARKET_DATA, Step.DATA_QUALITY),
        equities=PIPELINE_SYMBOLS,
        calendars={s: "XNYS" for s in PIPELINE_SYMBOLS},
    )
    for hour in (20, 22):
        clock = FixedClock(dt.datetime(2024, 12, 31, hour, 0, tzinfo=dt.UTC))
        Pipeline(store, Sources(bars=FakeBarSource(bars)), clock=clock).run(plan)


def fill(store: Store) -> None:
    run_pipeline(store)
    store.upsert("market_data.ohlcv", bars_frame((HISTORY_SYMBOL,), "2023-01-02", HISTORY_BARS))
    store.upsert("market_data.corporate_actions", corporate_actions())
    store.upsert("economic_data.indicators", macro_observations())
    store.upsert("economic_data.releases", releases())
    store.upsert("news.articles", articles())
    store.upsert("news.sentiment", sentiment())
    store.upsert("events.earnings", earnings())
    store.upsert("events.economic_events", economic_events())


def corporate_actions() -> pd.DataFrame:
    rows = [
        ("HIST", "2023-06-01", "split", 1.0, 4.0, None),
        ("HIST", "2023-09-14", "dividend", None, None, 0.24),
        ("HIST", "2022-06-01", "dividend", None, None, 0.20),
        ("AAA", "2024-12-10", "dividend", None, None, 0.5),
    ]
    frame = pd.DataFrame(
        rows, columns=["symbol", "ex_date", "action", "split_from", "split_to", "cash_amount"]
    )
    frame["ex_date"] = pd.to_datetime(frame["ex_date"]).dt.date
    frame["currency"] = "USD"
    frame["source"] = "test"
    return frame


def macro_observations() -> pd.DataFrame:
    """CPI monthly, first published 15 days after the month, revised +0.5 45 days later."""
    rows = []
    for month in range(1, 7):
        date = dt.date(2024, month, 1)
        first, revised = date + dt.timedelta(days=45), date + dt.timedelta(days=90)
        rows.append(("CPIAUCSL", date, first, revised, 300.0 + month))
        rows.append(("CPIAUCSL", date, revised, None, 300.5 + month))
    rows += [
        ("UNRATE", dt.date(2024, 1, 1), dt.date(2024, 2, 2), None, 3.7),
        ("UNRATE", dt.date(2024, 2, 1), dt.date(2024, 3, 8), None, None),
    ]
    frame = pd.DataFrame(
        rows, columns=["series_id", "date", "realtime_start", "realtime_end", "value"]
    )
    frame["source"] = "fred"
    return frame


def releases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": ["CPIAUCSL"],
            "released": [dt.date(2024, 7, 11)],
            "title": ["Consumer Price Index"],
            "units": ["Index 1982-1984=100"],
            "frequency": ["Monthly"],
            "source": ["fred"],
        }
    )


def articles() -> pd.DataFrame:
    rows = [
        ("a1", ["AAA"], "2024-12-02T14:00:00"),
        ("a2", ["AAA", "BBB"], "2024-12-03T09:30:00"),
        ("a3", ["BBB"], "2024-12-04T16:00:00"),
        ("a4", [], "2024-12-05T08:00:00"),
    ]
    return pd.DataFrame(
        {
            "article_id": [r[0] for r in rows],
            "url": [f"https://news.example/{r[0]}" for r in rows],
            "title": [f"Article {r[0]}" for r in rows],
            "publisher": "Example Wire",
            "published_at": pd.to_datetime([r[2] for r in rows]).tz_localize("UTC"),
            "symbols": [json.dumps(r[1]) for r in rows],
            "source": "newsapi",
        }
    )


def sentiment() -> pd.DataFrame:
    rows = [
        ("a1", "AAA", "vendor", 0.6),
        ("a1", "AAA", "vader", 0.4),
        ("a2", "*", "vader", -0.2),
        ("a3", "BBB", "loughran_mcdonald", -0.5),
    ]
    frame = pd.DataFrame(rows, columns=["article_id", "symbol", "method", "score"])
    published = articles().set_index("article_id")["published_at"]
    frame["published_at"] = frame["article_id"].map(published)
    frame["source"] = "newsapi"
    return frame


def earnings() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "symbol": ["AAA", "BBB", "HIST"],
            "report_date": [dt.date(2024, 11, 20), dt.date(2024, 12, 5), dt.date(2023, 8, 1)],
            "fiscal_period": ["2024Q3", "2024Q4", "2023Q2"],
            "time_of_day": ["amc", "bmo", "amc"],
            "eps_estimate": [1.2, 0.8, 2.0],
            "eps_actual": [1.3, None, 2.1],
        }
    )
    frame["source"] = "test"
    return frame


def economic_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event": ["CPI", "FOMC rate decision"],
            "ts": pd.to_datetime(["2024-12-11T13:30:00", "2024-12-18T19:00:00"]).tz_localize("UTC"),
            "country": "US",
            "importance": "high",
            "forecast": [2.7, 4.375],
            "source": "test",
        }
    )


# --- stores and apps ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def api_pg_url(postgres_databases: Callable[[str], str]) -> str:
    """Give a throwaway PostgreSQL database of this suite's own."""
    return postgres_databases("tetra_api")


@pytest.fixture(scope="session")
def filled_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Store]]:
    """Return a function giving the filled store of a backend, opened once per session."""
    opened: dict[str, Store] = {}

    def open_filled(backend: str) -> Store:
        if backend not in opened:
            url: str | Path = (
                request.getfixturevalue("api_pg_url")
                if backend == "postgres"
                else tmp_path_factory.mktemp("api") / "store.duckdb"
            )
            store = open_store(url)
            fill(store)
            opened[backend] = store
        return opened[backend]

    yield open_filled
    for store in opened.values():
        store.close()


@pytest.fixture
def anyio_backend() -> str:
    """Run the async suites (pytest.mark.anyio) on asyncio."""
    return "asyncio"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def store(backend: str, filled_store: Callable[[str], Store]) -> Store:
    return filled_store(backend)


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(store, api_key=API_KEY)


@pytest.fixture
def client(app: FastAPI) -> ApiClient:
    return ApiClient(app)


@pytest.fixture
def client_for(filled_store: Callable[[str], Store]) -> Callable[[str], ApiClient]:
    """Return a function giving a client of the app over a backend's filled store."""
    return lambda backend: ApiClient(create_app(filled_store(backend), api_key=API_KEY))


# --- the chat -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def chat_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, str]]:
    """Give a store holding the chat rows (hostile news, private strategy rows) and its URL."""
    from chat_fixtures import fill_chat_store

    if request.param == "postgres":
        reset: Callable[[], str] = request.getfixturevalue("reset_postgres")
        url = reset()
    else:
        url = str(tmp_path_factory.mktemp("chat") / "chat.duckdb")
    store = open_store(url)
    fill_chat_store(store)
    yield store, url
    store.close()


@pytest.fixture
def cloud_llm() -> Iterator[FakeLlmServer]:
    with FakeLlmServer() as server:
        yield server


@pytest.fixture
def local_llm() -> Iterator[FakeLlmServer]:
    with FakeLlmServer() as server:
        yield server


def chat_settings(
    cloud: FakeLlmServer | None = None, local: FakeLlmServer | None = None
) -> Settings:
    """Settings with the fake servers as the cloud and local models (None: not configured)."""
    off = LlmEndpoint()
    return Settings(
        llm_cloud=LlmEndpoint(
            base_url=cloud.base_url, model="fake-cloud", api_key="sk-cloud-secret"
        )
        if cloud
        else off,
        llm_local=LlmEndpoint(base_url=local.base_url, model="fake-local") if local else off,
    )


@pytest.fixture
def chat_client_for(
    chat_store: tuple[Store, str],
) -> Iterator[Callable[[Settings], ApiClient]]:
    """Return a function giving a client of an app whose chat uses those settings."""
    services: list[ChatService] = []

    def make(config: Settings) -> ApiClient:
        store, url = chat_store
        chat = build_chat(config, store, url)
        assert chat is not None
        services.append(chat)
        return ApiClient(create_app(store, api_key=API_KEY, chat=chat))

    yield make
    for service in services:
        service.close()
