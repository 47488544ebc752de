"""Corrupted vendor payloads never crash a parser and never store a bad record (Hypothesis).

Each vendor's recorded payload (its documented shape) is corrupted one way per example: a field
of one record replaced by a hostile value (huge or negative numbers, 1e20 timestamps, NUL and
control characters, 10 KB text, SQL, nested structures, far-future dates, wrong types), deleted,
or the record duplicated, replaced or nested deeply. The real adapter parses the answer from a
loopback transport and `ingest` writes it into a real DuckDB store. The properties:

- nothing raises but a `SourceError` (a whole unreadable answer is `MalformedPayload`, which the
  pipeline quarantines whole): 0 crashes;
- every stored row meets the record rules and the table's checks;
- for the bar vendors, every record is accounted for: stored, or quarantined with a reason
  (or, for Binance, a kline not yet closed, which a later run fetches).
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.alphavantage import AlphaVantageConfig, AlphaVantageSource
from tetra.adapters.sources.binance import BinanceConfig, BinanceSource
from tetra.adapters.sources.coingecko import CoinGeckoConfig, CoinGeckoSource
from tetra.adapters.sources.fred import FredConfig, FredSource
from tetra.adapters.sources.newsapi import NewsApiConfig, NewsApiSource
from tetra.adapters.sources.polygon import PolygonConfig, PolygonSource
from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.core.clock import FixedClock
from tetra.core.errors import MalformedPayload, SourceError
from tetra.data.batches import partition_batch, prepare_batch
from tetra.data.ingest import ingest
from tetra.data.migrations import table
from tetra.data.ports import Query
from tetra.data.rules import RuleContext, check_rows
from tetra.data.sources import Fetched, Window

FIXTURES = Path(__file__).parents[1] / "fixtures" / "vendors"

HOSTILE: list[object] = [
    None,
    "",
    "abc",
    "\x00",
    "12\x0034",
    "\x1b[31mred\x07",
    "1e999",
    "NaN",
    "-Infinity",
    10**400,
    -(10**400),
    1e300,
    -1,
    0,
    -0.0,
    1e20,
    2**63,
    -(2**63) - 1,
    True,
    [],
    {},
    [1, 2, 3],
    {"nested": {"deeper": [1, {"x": None}]}},
    "2099-01-01",
    "9999-12-31T23:59:59Z",
    "1969-12-31",
    "0000-00-00",
    "20991231T235959",
    "x" * 10_000,
    "'; DROP TABLE market_data.ohlcv; --",
    "\u202eevil",
    "1" + "0" * 400,
    ".",
]
MUTATIONS = ("replace", "delete", "duplicate", "replace_record", "deep")


@dataclass(frozen=True)
class Vendor:
    """How to corrupt one vendor's payload and how to fetch it through the real adapter."""

    name: str
    fixture: str
    records: Callable[[Any], list[Any]]  # the mutable list of records inside a payload
    fetch: Callable[[httpx.MockTransport], Coroutine[Any, Any, list[Fetched]]]
    now: dt.datetime
    window: Window
    deferred: Callable[[Any, dt.datetime], int] = lambda records, now: 0
    accounted: bool = False  # every record ends stored or quarantined (one row per record)


async def _polygon(transport: httpx.MockTransport) -> list[Fetched]:
    config = PolygonConfig(api_key=SecretStr("pk_test"))
    async with PolygonSource(config, transport=transport, sleep=_no_sleep) as source:
        return [await source.bars("NVDA", Window(dt.date(2024, 6, 3), dt.date(2024, 6, 14)))]


async def _binance(transport: httpx.MockTransport) -> list[Fetched]:
    source = BinanceSource(
        BinanceConfig(base_url="https://api.binance.test"),
        clock=FixedClock(dt.datetime(2024, 1, 6, 12, 0, tzinfo=dt.UTC)),
        transport=transport,
        sleep=_no_sleep,
    )
    async with source:
        return [await source.bars("BTC", Window(dt.date(2024, 1, 1), dt.date(2024, 1, 5)))]


def _open_klines(records: list[Any], now: dt.datetime) -> int:
    """Klines the adapter rightly holds back: readable, but not closed yet at `now`."""
    now_ms = int(now.timestamp() * 1000)
    unique: dict[int, list[Any]] = {}
    for row in records:
        if isinstance(row, list) and len(row) >= 9 and _is_int(row[6]) and _is_int(row[0]):
            unique.setdefault(row[0], row)
    return sum(1 for row in unique.values() if row[6] > now_ms and _readable_kline(row))


def _readable_kline(row: list[Any]) -> bool:
    from tetra.adapters.sources.binance.parsing import KlineError, read_kline

    try:
        read_kline(row)
    except KlineError:
        return False
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


async def _fred(transport: httpx.MockTransport) -> list[Fetched]:
    source = FredSource(
        FredConfig(api_key=SecretStr("0123456789abcdef0123456789abcdef")),
        transport=transport,
        sleep=_no_sleep,
        clock=FixedClock(dt.datetime(2024, 10, 1, 15, 0, tzinfo=dt.UTC)),
        policy=RetryPolicy(attempts=1),
    )
    async with source:
        window = Window(dt.date(2023, 4, 1), dt.date(2023, 9, 30))
        return [await source.observations("GDP", window)]


async def _coingecko(transport: httpx.MockTransport) -> list[Fetched]:
    source = CoinGeckoSource(
        CoinGeckoConfig(base_url="https://api.coingecko.test/api/v3", api_key=SecretStr("CG-k")),
        clock=FixedClock(dt.datetime(2024, 4, 1, 15, 14, 42, tzinfo=dt.UTC)),
        transport=transport,
        sleep=_no_sleep,
    )
    async with source:
        return [await source.price_series("BTC", Window(dt.date(2024, 3, 28), dt.date(2024, 4, 1)))]


async def _newsapi(transport: httpx.MockTransport) -> list[Fetched]:
    config = NewsApiConfig(api_key=SecretStr("newsapi-key"), max_pages=1)
    policy = RetryPolicy(attempts=1)
    source = NewsApiSource(config, transport=transport, sleep=_no_sleep, policy=policy)
    return await source.news(["AMD"], Window(dt.date(2026, 11, 20), dt.date(2026, 11, 23)))


async def _alphavantage(transport: httpx.MockTransport) -> list[Fetched]:
    config = AlphaVantageConfig(api_key=SecretStr("AV-key"))
    policy = RetryPolicy(attempts=1)
    source = AlphaVantageSource(config, transport=transport, sleep=_no_sleep, policy=policy)
    return await source.news(["AAPL"], Window(dt.date(2026, 11, 20), dt.date(2026, 11, 23)))


async def _no_sleep(_: float) -> None:
    return None


def fetch(vendor: Vendor, body: bytes) -> list[Fetched]:
    """Fetch through the vendor's adapter, answered `body` on loopback.

    One event loop without `asyncio.run`, whose Ctrl-C handler makes every run format the
    repr of its task (and so of the frames it returned): most of a run's time otherwise.
    """
    transport = httpx.MockTransport(lambda _: httpx.Response(200, content=body))
    return _LOOP[0].run_until_complete(vendor.fetch(transport))


_LOOP: list[asyncio.AbstractEventLoop] = []


@pytest.fixture(autouse=True, scope="module")
def event_loop_for_fetches() -> Iterator[None]:
    _LOOP.append(asyncio.new_event_loop())
    yield
    _LOOP.pop().close()


VENDORS = [
    Vendor(
        "polygon",
        "polygon/aggs_nvda_page1.json",
        lambda p: p["results"],
        _polygon,
        dt.datetime(2024, 6, 15, tzinfo=dt.UTC),
        Window(dt.date(2024, 6, 3), dt.date(2024, 6, 14)),
        accounted=True,
    ),
    Vendor(
        "binance",
        "binance/klines_btcusdt_1d.json",
        lambda p: p,
        _binance,
        dt.datetime(2024, 1, 6, 12, 0, tzinfo=dt.UTC),
        Window(dt.date(2024, 1, 1), dt.date(2024, 1, 5)),
        deferred=_open_klines,
        accounted=True,
    ),
    Vendor(
        "fred",
        "fred/observations_gdp_vintages.json",
        lambda p: p["observations"],
        _fred,
        dt.datetime(2024, 10, 1, 15, 0, tzinfo=dt.UTC),
        Window(dt.date(2023, 4, 1), dt.date(2023, 9, 30)),
    ),
    Vendor(
        "coingecko",
        "coingecko/market_chart_bitcoin_daily.json",
        lambda p: p["prices"],
        _coingecko,
        dt.datetime(2024, 4, 1, 15, 14, 42, tzinfo=dt.UTC),
        Window(dt.date(2024, 3, 28), dt.date(2024, 4, 1)),
    ),
    Vendor(
        "newsapi",
        "newsapi/everything_amd.json",
        lambda p: p["articles"],
        _newsapi,
        dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC),
        Window(dt.date(2026, 11, 20), dt.date(2026, 11, 23)),
    ),
    Vendor(
        "alphavantage",
        "alphavantage/news_sentiment_aapl.json",
        lambda p: p["feed"],
        _alphavantage,
        dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC),
        Window(dt.date(2026, 11, 20), dt.date(2026, 11, 23)),
    ),
]


@dataclass(frozen=True)
class Corruption:
    mutation: str
    index: int  # which record (modulo the number of records)
    field: int  # which field of it (modulo its number of fields)
    value: object

    def kind(self, fields: list[object]) -> str:
        name = fields[self.field % len(fields)] if fields else "-"
        if self.mutation in ("duplicate", "deep"):
            return self.mutation
        shown = repr(self.value)[:24] if self.mutation != "delete" else ""
        return f"{self.mutation}:{name}:{shown}"


CORRUPTIONS = st.builds(
    Corruption,
    mutation=st.sampled_from(MUTATIONS),
    index=st.integers(0, 50),
    field=st.integers(0, 50),
    value=st.sampled_from(HOSTILE),
)


def corrupt(vendor: Vendor, corruption: Corruption) -> tuple[bytes, list[Any], str]:
    """Return the corrupted payload's bytes, its records and the kind of corruption."""
    payload = json.loads((FIXTURES / vendor.fixture).read_text())
    if isinstance(payload, dict):
        payload.pop("next_url", None)  # one page: the loopback answers every request alike
    records = vendor.records(payload)
    target = corruption.index % len(records)
    record = records[target]
    fields: list[object] = list(record) if isinstance(record, dict) else list(range(len(record)))
    kind = corruption.kind(fields)
    field = fields[corruption.field % len(fields)]
    if corruption.mutation == "replace":
        record[field] = corruption.value
    elif corruption.mutation == "delete":
        del record[field]
    elif corruption.mutation == "duplicate":
        records.append(copy.deepcopy(record))
    elif corruption.mutation == "replace_record":
        records[target] = corruption.value
    else:
        records[target] = _nested(100)
    return json.dumps(payload).encode(), records, kind


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    opened = open_store(tmp_path_factory.mktemp("fuzz") / "live.duckdb")
    yield opened
    opened.close()


KINDS: dict[str, set[str]] = {}
INGESTED: dict[str, int] = {}


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.name)
def test_corrupted_payloads_never_crash_and_nothing_bad_is_stored(
    vendor: Vendor, store: SqlStore
) -> None:
    kinds = KINDS.setdefault(vendor.name, set())
    INGESTED[vendor.name] = 0

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(corruption=CORRUPTIONS)
    def check(corruption: Corruption) -> None:
        body, records, kind = corrupt(vendor, corruption)
        kinds.add(kind)
        try:
            parts = fetch(vendor, body)
        except MalformedPayload:
            return  # unreadable as a whole: the pipeline quarantines it whole
        except SourceError:
            return
        INGESTED[vendor.name] += 1
        accounted = 0
        for part in parts:
            done = ingest(
                store, part, source=vendor.name, run_id="fuzz", now=vendor.now, window=vendor.window
            )
            accounted += done.written + done.quarantined
        if vendor.accounted:
            assert accounted + vendor.deferred(records, vendor.now) == len(records), kind

    check()
    assert INGESTED[vendor.name] >= 10  # most corruptions reach the store, not just the parser
    assert_store_holds_only_valid_rows(store, vendor)


def assert_store_holds_only_valid_rows(store: SqlStore, vendor: Vendor) -> None:
    for dataset in (
        "market_data.ohlcv",
        "market_data.price_series",
        "economic_data.indicators",
        "news.articles",
        "news.sentiment",
    ):
        rows = store.read(Query(dataset, where={"source": vendor.name}))
        if rows.empty:
            continue
        checked = check_rows(dataset, rows, RuleContext(vendor.now, vendor.window))
        assert checked.rejected.empty, checked.rejected["reason"].tolist()
        prepare_batch(table(dataset), rows)  # raises if any stored row breaks the table's rules


def test_at_least_fifty_kinds_of_corruption_were_tried() -> None:
    tried = sum(len(kinds) for kinds in KINDS.values())
    if len(KINDS) < len(VENDORS):
        pytest.skip("run with the fuzz tests above")
    assert tried >= 50, KINDS


def sweep(vendor: Vendor) -> Iterator[Corruption]:
    """Every field of the first record with every hostile value, and deleted; and, on the first
    and the last record, the record-level corruptions (replaced, duplicated, nested deeply)."""
    payload = json.loads((FIXTURES / vendor.fixture).read_text())
    records = vendor.records(payload)
    record = records[0]
    for field in range(len(record) if isinstance(record, dict | list) else 1):
        yield Corruption("delete", 0, field, None)
        for value in HOSTILE:
            yield Corruption("replace", 0, field, value)
    for index in sorted({0, len(records) - 1}):
        for value in HOSTILE:
            yield Corruption("replace_record", index, 0, value)
        yield Corruption("duplicate", index, 0, None)
        yield Corruption("deep", index, 0, None)


@pytest.mark.slow
@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.name)
def test_every_field_with_every_hostile_value_parses_and_every_record_is_accounted_for(
    vendor: Vendor,
) -> None:
    crashes: list[str] = []
    kinds: set[str] = set()
    for corruption in sweep(vendor):
        body, records, kind = corrupt(vendor, corruption)
        kinds.add(f"{corruption.index}:{kind}")
        try:
            parts = fetch(vendor, body)
            accounted = sum(_judged(part, vendor) for part in parts)
        except SourceError:
            continue
        except Exception as error:
            crashes.append(f"{kind}: {type(error).__name__}: {str(error)[:120]}")
            continue
        if vendor.accounted and accounted + vendor.deferred(records, vendor.now) != len(records):
            crashes.append(f"{kind}: {len(records)} records, {accounted} accounted for")
    KINDS.setdefault(vendor.name, set()).update(kinds)
    assert crashes == [], "\n".join(crashes)


def _judged(part: Fetched, vendor: Vendor) -> int:
    """Return how many records of `part` the ingest would store or quarantine."""
    checked = check_rows(part.dataset, part.rows, RuleContext(vendor.now, vendor.window))
    batch = partition_batch(table(part.dataset), checked.valid)
    valid: int = batch.valid.num_rows
    return valid + len(batch.rejected) + len(checked.rejected) + len(part.unparsed)
