"""Requests and responses of `/api/strategy-chat`: turns, versions, evidence, approvals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProviderName = Literal["auto", "offline", "local", "cloud"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnRequest(_Request):
    idea: str = Field(min_length=1, max_length=2000, description="The idea, or a refinement.")
    conversation_id: str | None = Field(
        None, max_length=32, description="Continue this conversation (None: a new one)."
    )
    provider: ProviderName = "auto"


class CandidateOut(BaseModel):
    label: str
    spec_hash: str
    sharpe: float | None
    total_return: float | None
    fills: int


class ChartPoint(BaseModel):
    day: str
    value: float


class StressRowOut(BaseModel):
    scenario: str
    method: str = Field(description="replay (the stored window) or factor (a beta shock).")
    total_return: float | None
    max_drawdown: float | None


class StressOut(BaseModel):
    """A version's stress table, computed after its first result."""

    rows: list[StressRowOut]
    missing: str = Field(description="Why there is no table (empty when there is one).")


class EvidenceOut(BaseModel):
    metrics: dict[str, float | None]
    trades: int
    first_day: str
    last_day: str
    candidates: list[CandidateOut]
    walk_forward: dict[str, float | None]
    deflated_sharpe: dict[str, float | None]
    monte_carlo: dict[str, float | None]
    equity: list[ChartPoint]
    drawdown: list[ChartPoint]
    warnings: list[str]
    caveats: list[str]
    stress: list[StressRowOut] = Field(
        description="Empty until the stress table is done: fetch it from the version's /stress."
    )


class VersionOut(BaseModel):
    number: int
    idea: str
    spec: dict[str, Any]
    spec_hash: str
    words: list[str]
    diff: list[str]
    evidence: EvidenceOut
    results_digest: str
    provider: str
    model: str
    notes: list[str]
    reply: str


class TurnResponse(BaseModel):
    conversation_id: str
    version: VersionOut


class ConversationOut(BaseModel):
    conversation_id: str
    versions: list[VersionOut]


class ApprovalRequestIn(_Request):
    """An explicit decision by a named person on a version they have seen."""

    conversation_id: str = Field(max_length=32)
    version: int = Field(ge=1)
    approved_by: str = Field(min_length=2, max_length=80)
    action: Literal["save", "add_to_book"]
    spec_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="The hash shown.")
    results_digest: str = Field(pattern=r"^[0-9a-f]{64}$", description="The digest shown.")
    book: str | None = Field(None, max_length=64, description="The paper book (add_to_book).")
    weight: Decimal = Field(Decimal(1), gt=0, le=1, description="Share of the book's capital.")
    capital: Decimal = Field(
        Decimal(100_000), gt=0, le=Decimal(10) ** 12, description="Capital of a new book."
    )


class ApprovalOut(BaseModel):
    approval_id: str
    action: str
    spec_hash: str
    results_digest: str
    approved_by: str
    approved_at: str
    book: str | None
    book_version: int | None
    mode: str
