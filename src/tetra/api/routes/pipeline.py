"""Pipeline runs, quarantined records and the data-quality summary of ``ops``."""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.exceptions import HTTPException

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.queries.common import rows
from tetra.api.schemas.common import Page
from tetra.api.schemas.pipeline import (
    DatasetQuality,
    IngestRunOut,
    QualityResponse,
    QuarantinedRecordOut,
    ReasonCount,
    SymbolGaps,
)
from tetra.data.ports import Query as StoreQuery
from tetra.data.ports import Scalar, Store

router = APIRouter(prefix="/api/pipeline", tags=["pipeline"], responses=ERROR_RESPONSES)

RUNS = "ops.ingest_runs"
QUARANTINE = "ops.quarantine"

Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.")]


@router.get("/runs", response_model=Page[IngestRunOut], summary="Pipeline runs, newest first")
async def runs(
    store: StoreDep,
    status: Annotated[
        str | None, Query(max_length=32, description="running, success, partial or failed.")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[IngestRunOut]:
    return await blocking(_runs_page, store, status, offset, limit)


@router.get("/runs/{run_id}", response_model=IngestRunOut, summary="One pipeline run")
async def run(
    store: StoreDep, run_id: Annotated[str, Path(max_length=128, description="The run's id.")]
) -> IngestRunOut:
    found = await blocking(rows, store, StoreQuery(RUNS, where={"run_id": run_id}))
    if not found:
        raise HTTPException(status_code=404, detail=f"no pipeline run {run_id!r}")
    return _run(found[0])


@router.get("/quarantine", response_model=Page[QuarantinedRecordOut], summary="Quarantined records")
async def quarantine(
    store: StoreDep,
    dataset: Annotated[
        str | None, Query(max_length=64, description="e.g. market_data.ohlcv.")
    ] = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    reason: Annotated[
        str | None, Query(max_length=200, description="Reason contains this (any case).")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[QuarantinedRecordOut]:
    """Return rejected records newest first, with their raw payload."""
    return await blocking(_quarantine_page, store, dataset, source, reason, offset, limit)


@router.get("/quality", response_model=QualityResponse, summary="Data quality per dataset")
async def quality(store: StoreDep) -> QualityResponse:
    """Per dataset: quarantined records by reason, and the symbols missing sessions."""
    return await blocking(_quality, store)


def _runs_page(store: Store, status: str | None, offset: int, limit: int) -> Page[IngestRunOut]:
    where: dict[str, Scalar] = {} if status is None else {"status": status}
    heads = rows(store, StoreQuery(RUNS, where=where, columns=["run_id", "started_at"]))
    heads.sort(key=lambda r: (r["started_at"], r["run_id"]), reverse=True)
    ids = [r["run_id"] for r in heads[offset : offset + limit]]
    full = {r["run_id"]: r for r in rows(store, StoreQuery(RUNS, where={"run_id": ids}))}
    items = [_run(full[i]) for i in ids]
    return Page[IngestRunOut](items=items, total=len(heads), offset=offset, limit=limit)


def _run(row: dict[str, Any]) -> IngestRunOut:
    return IngestRunOut.model_validate(
        {**row, "steps": _object(row["steps"]), "errors": _object(row["errors"])}
    )


def _quarantine_page(
    store: Store,
    dataset: str | None,
    source: str | None,
    reason: str | None,
    offset: int,
    limit: int,
) -> Page[QuarantinedRecordOut]:
    where: dict[str, Scalar] = {}
    if dataset is not None:
        where["dataset"] = dataset
    if source is not None:
        where["source"] = source
    columns = ["record_id", "reason", "quarantined_at"]
    heads = rows(store, StoreQuery(QUARANTINE, where=where, columns=columns))
    if reason:
        heads = [h for h in heads if reason.casefold() in h["reason"].casefold()]
    heads.sort(key=lambda r: (r["quarantined_at"], r["record_id"]), reverse=True)
    ids = [r["record_id"] for r in heads[offset : offset + limit]]
    full = {
        r["record_id"]: r for r in rows(store, StoreQuery(QUARANTINE, where={"record_id": ids}))
    }
    items = [
        QuarantinedRecordOut.model_validate({**full[i], "payload": _json(full[i]["payload"], None)})
        for i in ids
    ]
    return Page[QuarantinedRecordOut](items=items, total=len(heads), offset=offset, limit=limit)


def _quality(store: Store) -> QualityResponse:
    rejected = rows(store, StoreQuery(QUARANTINE, columns=["dataset", "reason"]))
    reasons = Counter((r["dataset"], r["reason"]) for r in rejected)
    gaps = [r for r in rows(store, StoreQuery("ops.coverage")) if r["missing"] > 0]
    datasets = sorted({d for d, _ in reasons} | {r["dataset"] for r in gaps})
    return QualityResponse(
        datasets=[
            DatasetQuality(
                dataset=name,
                quarantined=sum(n for (d, _), n in reasons.items() if d == name),
                reasons=[
                    ReasonCount(reason=reason, count=n)
                    for (d, reason), n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
                    if d == name
                ],
                symbols_with_gaps=[_symbol_gaps(r) for r in gaps if r["dataset"] == name],
            )
            for name in datasets
        ]
    )


def _symbol_gaps(row: dict[str, Any]) -> SymbolGaps:
    return SymbolGaps.model_validate({**row, "gaps": _json(row["gaps"], [])})


def _object(text: str | None) -> dict[str, Any]:
    found = _json(text, {})
    return found if isinstance(found, dict) else {"value": found}


def _json(text: str | None, empty: Any) -> Any:
    return empty if text is None else json.loads(text)
