"""Strategy conversations: an idea in, a spec and its evidence out; approvals by a person.

`/turns` only proposes, validates and tests: it never saves. `/approvals` is the one way to
save a spec or add it to a paper book, and it needs the person's name and the hash and
digest they saw. Nothing a model says reaches `/approvals`: it is a separate request.
A turn answers without the stress table; `/conversations/{id}/versions/{n}/stress` waits
for it (it is computed in the background as soon as the turn is done).
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tetra.api.deps import blocking
from tetra.api.errors import ERROR_RESPONSES, ErrorResponse, error_response
from tetra.api.schemas.strategy_chat import (
    ApprovalOut,
    ApprovalRequestIn,
    ConversationOut,
    StressOut,
    StressRowOut,
    TurnRequest,
    TurnResponse,
    VersionOut,
)
from tetra.core.errors import ValidationError
from tetra.portfolio import StoredBooks
from tetra.strategy.spec import canonical_json, json_schema
from tetra.strategy_chat.approvals import ApprovalRefused, ApprovalRequest, Approvals
from tetra.strategy_chat.service import StrategyChat, TurnFailed, Version

STRATEGY_ERRORS: dict[int | str, dict[str, object]] = {
    **ERROR_RESPONSES,
    409: {"model": ErrorResponse, "description": "The approval was refused; nothing stored."},
    422: {"model": ErrorResponse, "description": "No spec from the idea, with the reasons."},
}

STRESS_WAIT_SECONDS = 120.0

router = APIRouter(prefix="/api/strategy-chat", tags=["strategy-chat"], responses=STRATEGY_ERRORS)


def _chat(request: Request) -> StrategyChat:
    chat: StrategyChat = request.app.state.strategy_chat
    return chat


def _approvals(request: Request) -> Approvals:
    store = request.app.state.store
    return Approvals(store, StoredBooks(store), request.app.state.clock)


ChatDep = Annotated[StrategyChat, Depends(_chat)]
ApprovalsDep = Annotated[Approvals, Depends(_approvals)]


@router.post("/turns", response_model=TurnResponse, summary="Propose, validate and test a spec")
async def turn(body: TurnRequest, chat: ChatDep) -> TurnResponse | JSONResponse:
    if body.conversation_id is not None and chat.conversation(body.conversation_id) is None:
        raise HTTPException(404, f"no conversation {body.conversation_id!r}")
    try:
        conversation, version = await blocking(
            chat.turn, body.idea, body.conversation_id, body.provider
        )
    except TurnFailed as failed:
        return error_response(422, "no_spec", str(failed), {"reasons": failed.reasons})
    return TurnResponse(conversation_id=conversation.id, version=version_out(version))


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationOut,
    summary="Every version of a conversation",
)
async def conversation(conversation_id: str, chat: ChatDep) -> ConversationOut:
    found = chat.conversation(conversation_id)
    if found is None:
        raise HTTPException(404, f"no conversation {conversation_id!r}")
    return ConversationOut(
        conversation_id=found.id, versions=[version_out(v) for v in found.versions]
    )


@router.get(
    "/conversations/{conversation_id}/versions/{number}/stress",
    response_model=StressOut,
    summary="A version's stress table (waits until it is computed)",
)
async def stress(conversation_id: str, number: int, chat: ChatDep) -> StressOut:
    try:
        table = await blocking(chat.stress, conversation_id, number, STRESS_WAIT_SECONDS)
    except TurnFailed as missing:
        raise HTTPException(404, str(missing)) from missing
    except TimeoutError as slow:
        raise HTTPException(504, "the stress table is still being computed") from slow
    return StressOut(rows=[_stress_row(r) for r in _finite(table.rows)], missing=table.missing)


@router.get("/schema", summary="The strategy spec's JSON schema")
async def schema() -> dict[str, Any]:
    return json_schema()


@router.post(
    "/approvals",
    response_model=ApprovalOut,
    summary="Save a spec, or add it to a paper book: a person's explicit decision",
)
async def approve(body: ApprovalRequestIn, chat: ChatDep, approvals: ApprovalsDep) -> ApprovalOut:
    found = chat.conversation(body.conversation_id)
    if found is None or not 1 <= body.version <= len(found.versions):
        raise HTTPException(
            404, f"no version {body.version} in conversation {body.conversation_id!r}"
        )
    request = ApprovalRequest(
        body.approved_by, body.action, body.spec_hash, body.results_digest, body.book,
        body.weight, body.capital,
    )  # fmt: skip
    try:
        approval = await blocking(approvals.approve, found.versions[body.version - 1], request)
    except (ApprovalRefused, ValidationError) as refused:
        raise HTTPException(409, str(refused)) from refused
    return ApprovalOut(**vars(approval))


@router.get("/approvals", response_model=list[ApprovalOut], summary="Every recorded approval")
async def approvals_list(approvals: ApprovalsDep) -> list[ApprovalOut]:
    return [ApprovalOut(**vars(a)) for a in await blocking(approvals.list)]


def version_out(version: Version) -> VersionOut:
    evidence = version.evidence.as_dict()
    for chart in ("equity", "drawdown"):
        evidence[chart] = [{"day": day, "value": value} for day, value in evidence[chart]]
    evidence["stress"] = [_stress_row(row).model_dump() for row in evidence["stress"]]
    return VersionOut(
        number=version.number,
        idea=version.idea,
        spec=json.loads(canonical_json(version.spec)),
        spec_hash=version.spec_hash,
        words=version.words,
        diff=version.diff,
        evidence=_finite(evidence),
        results_digest=version.results_digest,
        provider=version.provider,
        model=version.model,
        notes=version.notes,
        reply=version.reply,
    )


def _stress_row(row: dict[str, Any]) -> StressRowOut:
    return StressRowOut(
        scenario=row["scenario"], method=row["method"], total_return=row["return"],
        max_drawdown=row["max_drawdown"],
    )  # fmt: skip


def _finite(value: Any) -> Any:
    """Replace NaN and infinities by None: JSON has no NaN."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_finite(v) for v in value)
    return value
