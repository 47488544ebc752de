"""Dependencies of the routes: the store (off the event loop), the API key check."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from tetra.data.ports import Store
from tetra.settings import Settings

T = TypeVar("T")

API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key.")


def store(request: Request) -> Store:
    found: Store = request.app.state.store
    return found


StoreDep = Annotated[Store, Depends(store)]


async def blocking(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call in the thread pool so the event loop keeps serving."""
    return await run_in_threadpool(call, *args, **kwargs)


def require_api_key(request: Request, key: Annotated[str | None, Depends(API_KEY_HEADER)]) -> None:
    """Refuse a request without the right X-API-Key (compared in constant time)."""
    expected: str = request.app.state.api_key
    if key is None or not secrets.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="missing or wrong X-API-Key")


def require_metrics_key(request: Request) -> None:
    """Refuse a scrape without the API key, as ``Authorization: Bearer`` or ``X-API-Key``.

    Prometheus sends a bearer token (``authorization.credentials_file`` in its config).
    """
    expected: str = request.app.state.api_key
    bearer = request.headers.get("Authorization", "")
    scheme, _, token = bearer.partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else request.headers.get("X-API-Key")
    if key is None or not secrets.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="missing or wrong bearer token or X-API-Key")


def api_key_for(settings: Settings) -> str:
    """Return the configured key, or the one generated at init into data_dir/api_key."""
    if settings.api_key is not None:
        return settings.api_key.get_secret_value()
    path = Path(settings.data_dir) / "api_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    return key
