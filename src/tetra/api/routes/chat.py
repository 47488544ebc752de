"""The database chat: a question to SQL, guarded SQL to rows, the schema the models see.

`/query` only translates; `/execute` only runs SQL the user saw. Neither feeds the other, so
nothing stored in the database (news text, say) can make the server run a query.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse

from tetra.api.chat_results import chart_model, json_columns, json_rows
from tetra.api.deps import blocking
from tetra.api.errors import ERROR_RESPONSES, ErrorResponse
from tetra.api.schemas.chat import (
    ColumnContext,
    ExecuteRequest,
    ExecuteResponse,
    ExportRequest,
    PrivacyName,
    QueryRequest,
    QueryResponse,
    SchemaContextResponse,
    TableContext,
)
from tetra.chat.export import MEDIA_TYPES
from tetra.chat.policy import Privacy
from tetra.chat.service import ChatService
from tetra.chat.translation import Turn

CHAT_ERRORS: dict[int | str, dict[str, object]] = {
    **ERROR_RESPONSES,
    400: {"model": ErrorResponse, "description": "The guard rejected the SQL, or it failed."},
    408: {"model": ErrorResponse, "description": "The query ran past its time limit."},
    502: {"model": ErrorResponse, "description": "The model endpoint failed."},
    503: {"model": ErrorResponse, "description": "The chat is not configured on this server."},
}

router = APIRouter(prefix="/api/chat", tags=["chat"], responses=CHAT_ERRORS)


def chat_service(request: Request) -> ChatService:
    service: ChatService | None = getattr(request.app.state, "chat", None)
    if service is None:
        raise HTTPException(status_code=503, detail="the chat is not enabled on this server")
    return service


ChatDep = Annotated[ChatService, Depends(chat_service)]


@router.get(
    "/schema-context",
    response_model=SchemaContextResponse,
    summary="What the models are told about the database",
)
async def schema_context(
    chat: ChatDep,
    audience: Annotated[
        PrivacyName, Query(description="public: what a cloud model sees; private: the local one.")
    ] = "private",
) -> SchemaContextResponse:
    context = await blocking(chat.context, Privacy(audience))
    suggestions = await blocking(chat.suggestions)
    tables = [
        TableContext(
            name=t.name,
            description=t.description,
            privacy=t.privacy.value,
            empty=t.empty,
            span=list(t.span) if t.span else None,
            columns=[
                ColumnContext(
                    name=c.name, type=c.type, description=c.description, examples=list(c.examples)
                )
                for c in t.columns
            ],
        )
        for t in context.tables
    ]
    return SchemaContextResponse(
        dialect=context.dialect,
        audience=audience,
        tables=tables,
        providers=[k.value for k in chat.router.providers()],
        suggestions=suggestions,
        max_rows=chat.max_rows,
    )


@router.post("/query", response_model=QueryResponse, summary="Translate a question into SQL")
async def query(chat: ChatDep, body: QueryRequest) -> QueryResponse:
    history = [Turn(t.question, t.sql) for t in body.history]
    answer = await blocking(chat.ask, body.question, body.provider, history)
    return QueryResponse(
        question=answer.question,
        sql=answer.sql,
        explanation=answer.explanation,
        provider=answer.provider.value,
        model=answer.model,
        privacy=answer.privacy.value,
        tables=list(answer.tables),
        accepted=answer.rejection is None,
        rejection=answer.rejection,
        note=answer.note,
        attempts=answer.attempts,
    )


@router.post("/execute", response_model=ExecuteResponse, summary="Run guarded read-only SQL")
async def execute(chat: ChatDep, body: ExecuteRequest) -> ExecuteResponse:
    done = await blocking(chat.execute, body.sql, question=body.question, summarize=body.summarize)
    return ExecuteResponse(
        sql=done.sql,
        columns=json_columns(done.frame),
        rows=json_rows(done.frame),
        row_count=len(done.frame),
        truncated=done.truncated,
        elapsed_ms=round(done.elapsed_seconds * 1000, 3),
        privacy=done.privacy.value,
        chart=chart_model(done.chart),
        summary=done.summary,
        summary_by=done.summary_by,
        summary_note=done.summary_note,
    )


@router.post(
    "/export",
    summary="Run guarded SQL and download the rows as CSV or Excel",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media in MEDIA_TYPES.values()},
            "description": (
                "The file, every row up to the export cap (TETRA_CHAT__EXPORT_MAX_ROWS, default "
                "1,000,000); X-Row-Count, X-Row-Cap and X-Truncated say how many and whether "
                "the cap cut it."
            ),
        }
    },
)
async def export(chat: ChatDep, body: ExportRequest) -> Response:
    # The rows stream from the database into a temporary file (never all in memory), which
    # is then streamed to the client with the row count in its headers.
    path = Path(tempfile.mkstemp(prefix="tetra-export-", suffix=f".{body.format}")[1])
    try:
        with path.open("wb") as file:
            done = await blocking(chat.export, body.sql, body.format, file)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[body.format],
        headers={
            "Content-Disposition": f'attachment; filename="tetra-query.{body.format}"',
            "X-Row-Count": str(done.rows),
            "X-Row-Cap": str(done.cap),
            "X-Truncated": "true" if done.truncated else "false",
        },
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
