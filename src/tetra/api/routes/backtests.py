"""Routes of the API's backtests area."""

from __future__ import annotations

from fastapi import APIRouter

from tetra.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["backtests"], responses=ERROR_RESPONSES)
