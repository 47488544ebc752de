"""Serve the built web app (web/dist) beside the API, with history-mode routing."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles


def mount_web_app(app: FastAPI, static_dir: str) -> None:
    """Serve files from `static_dir`, and index.html for any other non-API path."""
    root = Path(static_dir)
    index = root / "index.html"
    app.mount("/assets", StaticFiles(directory=root / "assets", check_dir=False), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str) -> FileResponse:
        candidate = (root / path).resolve()
        if path and candidate.is_file() and root.resolve() in candidate.parents:
            return FileResponse(candidate)
        return FileResponse(index)
