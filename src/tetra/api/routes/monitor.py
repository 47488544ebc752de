"""The Data Monitor: coverage cards and per-symbol coverage, schemas, table statistics."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.exceptions import HTTPException

from tetra.api.coverage import build_coverage
from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.schemas.common import Page
from tetra.api.schemas.monitor import (
    AlertItem,
    CoverageResponse,
    EntityStats,
    RunIssuesOut,
    TableInfo,
    TableStats,
)
from tetra.core.dates import as_date
from tetra.data.migrations import catalog, schemas
from tetra.data.ports import Store
from tetra.monitoring.alerts import stored_alerts
from tetra.monitoring.run_issues import run_issues

router = APIRouter(prefix="/api/monitor", tags=["monitor"], responses=ERROR_RESPONSES)

SchemaName = Path(description="A schema, e.g. market_data.")


@router.get("/coverage", response_model=CoverageResponse, summary="Coverage per topic and symbol")
async def coverage(request: Request, store: StoreDep) -> Response:
    """Answer from cached JSON, rebuilt in the background when a run changes the store."""

    def encoded() -> bytes:
        now = dt.datetime.now(dt.UTC)
        return build_coverage(store, now.date(), now).model_dump_json().encode()

    async def build() -> bytes:
        return await blocking(encoded)

    body: bytes = await request.app.state.cache.get("coverage", build)
    return Response(content=body, media_type="application/json")


@router.get("/alerts", response_model=list[AlertItem], summary="Tetra's alerts, firing first")
async def alerts(
    store: StoreDep,
    include_resolved: bool = Query(False, description="Also list resolved alerts."),
) -> list[AlertItem]:
    """List the alerts the last checks recorded (`tetra alerts check`, the scheduler)."""
    found = await blocking(stored_alerts, store)
    return [
        AlertItem.model_validate(a, from_attributes=True)
        for a in found
        if include_resolved or a.state == "firing"
    ]


@router.get("/run-issues", response_model=RunIssuesOut, summary="Missed and failed scheduled runs")
async def missed_and_failed_runs(
    request: Request,
    store: StoreDep,
    days: int = Query(7, ge=1, le=90, description="Calendar days back from yesterday."),
) -> RunIssuesOut:
    """The data pipeline's, each book's cycle and SOD/EOD reports' failed or missed runs."""
    now = request.app.state.clock.now()
    end = now.date() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=days - 1)
    issues = await blocking(run_issues, store, start, end, now=now)
    return RunIssuesOut(start=start, end=end, issues=issues)


@router.get("/schemas", response_model=list[TableInfo], summary="Schemas and their tables")
async def list_schemas() -> list[TableInfo]:
    return [
        TableInfo(
            schema_name=t.schema,
            table=t.qualified_name,
            description=t.description,
            columns=list(t.column_names),
            key=list(t.key),
        )
        for t in catalog().values()
    ]


@router.get("/stats/{schema}", response_model=list[TableStats], summary="Row counts and ranges")
async def stats(store: StoreDep, schema: str = SchemaName) -> list[TableStats]:
    return await blocking(_stats, store, _checked(schema))


@router.get("/symbols/{schema}", response_model=Page[EntityStats], summary="Per-symbol statistics")
async def symbols(
    store: StoreDep,
    schema: str = SchemaName,
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
) -> Page[EntityStats]:
    rows = await blocking(_entities, store, _checked(schema))
    return Page[EntityStats](
        items=rows[offset : offset + limit], total=len(rows), offset=offset, limit=limit
    )


def _checked(schema: str) -> str:
    if schema not in schemas():
        raise HTTPException(
            status_code=404, detail=f"unknown schema {schema!r}; known: {', '.join(schemas())}"
        )
    return schema


def _tables(schema: str) -> list[str]:
    return [name for name, table in catalog().items() if table.schema == schema]


def _stats(store: Store, schema: str) -> list[TableStats]:
    found = []
    for name in _tables(schema):
        rows = store.count(name)
        spans = store.coverage(name) if catalog()[name].time_column else []
        found.append(
            TableStats(
                table=name,
                rows=rows,
                entities=len({s.symbol for s in spans}) if spans else None,
                first=min((as_date(s.first) for s in spans), default=None),
                last=max((as_date(s.last) for s in spans), default=None),
            )
        )
    return found


def _entities(store: Store, schema: str) -> list[EntityStats]:
    return [
        EntityStats(
            table=name,
            entity=s.symbol,
            source=s.source,
            rows=s.rows,
            first=as_date(s.first),
            last=as_date(s.last),
        )
        for name in _tables(schema)
        if catalog()[name].time_column
        for s in store.coverage(name)
    ]
