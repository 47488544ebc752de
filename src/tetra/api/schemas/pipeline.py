"""Response models of the pipeline routes (`routes/pipeline.py`): runs, quarantine, quality."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class IngestRunOut(BaseModel):
    """One pipeline run from ``ops.ingest_runs``; `steps` and `errors` are parsed JSON."""

    run_id: str
    mode: str = Field(description="daily, backfill or load.")
    status: str = Field(description="running, success, partial or failed.")
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_written: int | None
    rows_quarantined: int | None
    steps: dict[str, Any] = Field(description="Per step: status, written, quarantined, ...")
    errors: dict[str, Any] = Field(description="Per failed step: its failures.")
    source: str


class QuarantinedRecordOut(BaseModel):
    record_id: str
    dataset: str
    natural_key: str | None
    reason: str
    payload: Any = Field(description="The raw record as received.")
    run_id: str | None
    quarantined_at: dt.datetime
    source: str


class ReasonCount(BaseModel):
    reason: str
    count: int


class SymbolGaps(BaseModel):
    symbol: str
    source: str
    expected: int
    stored: int
    missing: int
    gaps: list[tuple[dt.date, dt.date]]


class DatasetQuality(BaseModel):
    """One dataset's quarantined records by reason and its symbols missing sessions."""

    dataset: str
    quarantined: int
    reasons: list[ReasonCount] = Field(description="Most frequent first.")
    symbols_with_gaps: list[SymbolGaps]


class QualityResponse(BaseModel):
    datasets: list[DatasetQuality]
