"""One error model for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from tetra.chat.guard import SqlRejected
from tetra.chat.readonly import QueryFailed, QueryTimedOut
from tetra.chat.translation import ModelFailed, ProviderUnavailable, TranslationFailed
from tetra.core.errors import (
    InvalidBatch,
    SchemaVersionError,
    StoreError,
    TetraError,
    ValidationError,
)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """What every non-2xx answer of the API carries."""

    error: ErrorBody


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details))
    return JSONResponse(status_code=status, content=body.model_dump())


_STATUS = {
    "not_found": 404,
    "unauthorized": 401,
    "forbidden": 403,
    "bad_request": 400,
}


def install_error_handlers(app: FastAPI) -> None:
    """Map HTTP, validation and Tetra errors onto the one error model."""

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            401: "unauthorized",
            403: "forbidden",
            405: "method_not_allowed",
            409: "conflict",
            501: "not_implemented",
            503: "unavailable",
        }
        return error_response(
            error.status_code, code.get(error.status_code, "http_error"), str(error.detail)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
        return error_response(422, "invalid_request", "the request is not valid", details)

    @app.exception_handler(TetraError)
    async def tetra_error(_: Request, error: TetraError) -> JSONResponse:
        if chat := _chat_error(error):
            return chat
        if isinstance(error, InvalidBatch | ValidationError):
            return error_response(422, "invalid_data", str(error))
        if isinstance(error, SchemaVersionError | StoreError):
            return error_response(503, "store_unavailable", str(error))
        return error_response(500, "tetra_error", str(error))


def _chat_error(error: TetraError) -> JSONResponse | None:
    if isinstance(error, SqlRejected):
        return error_response(400, "sql_rejected", error.reason)
    if isinstance(error, QueryTimedOut):
        return error_response(408, "query_timeout", str(error))
    if isinstance(error, QueryFailed):
        return error_response(400, "query_failed", str(error))
    if isinstance(error, ProviderUnavailable):
        return error_response(503, "provider_unavailable", str(error))
    if isinstance(error, ModelFailed):
        return error_response(502, "model_failed", str(error))
    if isinstance(error, TranslationFailed):
        return error_response(422, "not_translated", str(error), error.details)
    return None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing or wrong X-API-Key."},
    404: {"model": ErrorResponse, "description": "Not found."},
    422: {"model": ErrorResponse, "description": "Invalid request."},
}
# For routes whose success is not JSON (HTML, PNG): FastAPI would document their errors in the
# success's media type; they are JSON like every other error.
JSON_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": spec["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for status, spec in ERROR_RESPONSES.items()
}
