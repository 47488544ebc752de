"""Market data for charts and tables: bars with indicators, economic series, news, events.

Dates are inclusive days (UTC): ``start=2024-01-02&end=2024-01-31`` covers both ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, NoReturn, TypeVar

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import Response

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.payloads import Payload, respond
from tetra.api.queries import bars as bar_queries
from tetra.api.queries import events as event_queries
from tetra.api.queries import macro as macro_queries
from tetra.api.queries import news as news_queries
from tetra.api.queries.bars import BarsRequest
from tetra.api.queries.common import NotFound
from tetra.api.queries.indicators import CATALOGUE, IndicatorSpec
from tetra.api.schemas.common import Day, Page
from tetra.api.schemas.market import (
    BarColumns,
    BarsResponse,
    MacroObservationOut,
    MacroSeriesOut,
    MarketEventOut,
    NewsArticleOut,
)
from tetra.data.ports import Store

T = TypeVar("T")

router = APIRouter(prefix="/api/market", tags=["market"], responses=ERROR_RESPONSES)

Start = Annotated[Day | None, Query(description="First day, inclusive.")]
End = Annotated[Day | None, Query(description="Last day, inclusive.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.")]
Symbol = Annotated[str | None, Query(max_length=32, description="A ticker, e.g. AAPL.")]
Source = Annotated[str | None, Query(max_length=64, description="Only rows of this source.")]


SymbolPath = Annotated[str, Path(max_length=32, description="A ticker, e.g. AAPL.")]
Interval = Annotated[
    str, Query(pattern=bar_queries.INTERVAL_PATTERN, description="1d, 1h, 5m, ...")
]
BarSource = Annotated[
    str | None, Query(max_length=64, description="Default: the source with most bars.")
]
Indicators = Annotated[
    list[str],
    Query(
        max_length=10,
        description="Repeatable: sma:20, ema:50, wma:20, rsi:14, bollinger:20, macd or "
        "macd:12,26,9, atr:14, adx:14, stochastic:5,3,3, roc:10, vwap:20 (rolling, on the "
        f"typical price), obv. Known: {', '.join(CATALOGUE)}. Warmed up on the bars before "
        "`start`.",
    ),
]
CACHED: dict[int | str, dict[str, Any]] = {
    200: {"description": "The answer; gzip-compressed when accepted, with an ETag."},
    304: {"description": "Not modified: the If-None-Match ETag is still current."},
}


@router.get(
    "/bars/{symbol}", response_model=BarsResponse, summary="Bars with indicators", responses=CACHED
)
async def bars(
    request: Request,
    store: StoreDep,
    symbol: SymbolPath,
    start: Start = None,
    end: End = None,
    interval: Interval = "1d",
    source: BarSource = None,
    indicator: Indicators = [],  # noqa: B006 - FastAPI copies query defaults
) -> Response:
    """Return raw bars, the indicators asked for, and split, dividend and earnings markers.

    One object per bar; `/bars/{symbol}/columns` serves the same as column arrays.
    """
    _check_range(start, end)
    query = BarsRequest(symbol, interval, source, start, end, _specs(indicator))
    return await _cached(request, store, "rows", query, bar_queries.bars)


@router.get(
    "/bars/{symbol}/columns",
    response_model=BarColumns,
    summary="Bars with indicators as column arrays",
    responses=CACHED,
)
async def bar_columns(
    request: Request,
    store: StoreDep,
    symbol: SymbolPath,
    start: Start = None,
    end: End = None,
    period: Annotated[
        bar_queries.Period | None,
        Query(description="A preset range ending on the last bar; replaces start and end."),
    ] = None,
    interval: Interval = "1d",
    source: BarSource = None,
    indicator: Indicators = [],  # noqa: B006 - FastAPI copies query defaults
) -> Response:
    """Return the bars of a range (or a preset `period` such as 1Y) as column arrays.

    Bars and indicators of the range only, indicators warmed up on the bars before it.
    Cached per symbol, range, indicator set and store version; answers carry an ETag and a
    request with a current If-None-Match gets 304.
    """
    _check_range(start, end)
    query = BarsRequest(symbol, interval, source, start, end, _specs(indicator), period)
    return await _cached(request, store, "columns", query, bar_queries.bar_columns)


async def _cached(
    request: Request,
    store: StoreDep,
    shape: str,
    query: BarsRequest,
    build: Callable[[Store, BarsRequest], BaseModel],
) -> Response:
    state = request.app.state
    key = f"{state.cache.generation}|{shape}|{query!r}"
    payload: Payload | None = state.payloads.get(key)
    if payload is None:
        try:
            model = await blocking(build, store, query)
        except NotFound as error:
            raise HTTPException(status_code=404, detail=str(error)) from error
        payload = Payload.of(model.model_dump_json().encode())
        state.payloads.put(key, payload)
    return respond(request, payload)


@router.get("/macro", response_model=Page[MacroSeriesOut], summary="Economic series")
async def macro(store: StoreDep, offset: Offset = 0, limit: Limit = 100) -> Page[MacroSeriesOut]:
    """List the stored series with their latest observation (latest vintage)."""
    return await blocking(macro_queries.macro_page, store, offset, limit)


@router.get(
    "/macro/{series_id}", response_model=Page[MacroObservationOut], summary="Series observations"
)
async def macro_series(
    store: StoreDep,
    series_id: Annotated[str, Path(max_length=64, description="e.g. CPIAUCSL.")],
    start: Start = None,
    end: End = None,
    as_of: Annotated[
        Day | None,
        Query(description="Only values known on this day: per date, the latest vintage by then."),
    ] = None,
    source: Source = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[MacroObservationOut]:
    """Return the observations by date, as revised up to `as_of` (default: today)."""
    _check_range(start, end)
    try:
        found = await blocking(
            macro_queries.observations, store, series_id, (start, end), as_of, source
        )
    except NotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    return _page(found, offset, limit)


@router.get("/news", response_model=Page[NewsArticleOut], summary="News with sentiment")
async def news(
    store: StoreDep,
    symbol: Symbol = None,
    start: Start = None,
    end: End = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[NewsArticleOut]:
    """Return articles newest first, each with its sentiment scores by method."""
    _check_range(start, end)
    return await blocking(news_queries.news_page, store, symbol, (start, end), offset, limit)


@router.get("/events", response_model=Page[MarketEventOut], summary="Earnings and economic events")
async def events(
    store: StoreDep,
    symbol: Annotated[
        str | None,
        Query(max_length=32, description="Only this ticker's earnings (no economic events)."),
    ] = None,
    start: Start = None,
    end: End = None,
    kind: Annotated[Literal["earnings", "economic"] | None, Query()] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[MarketEventOut]:
    """Return earnings reports and economic releases by date."""
    _check_range(start, end)
    found = await blocking(event_queries.events, store, symbol, (start, end), kind)
    return _page(found, offset, limit)


def _page(found: list[T], offset: int, limit: int) -> Page[T]:
    return Page(items=found[offset : offset + limit], total=len(found), offset=offset, limit=limit)


def _check_range(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and start > end:
        _invalid("end", f"end {end} is before start {start}")


def _specs(texts: list[str]) -> tuple[IndicatorSpec, ...]:
    try:
        specs = tuple(dict.fromkeys(IndicatorSpec.parse(t) for t in texts))
    except ValueError as error:
        _invalid("indicator", str(error))
    return specs


def _invalid(parameter: str, message: str) -> NoReturn:
    raise RequestValidationError(
        [{"loc": ("query", parameter), "msg": message, "type": "value_error"}]
    )
