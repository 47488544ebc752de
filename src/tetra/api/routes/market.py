"""Routes of the API's market area."""

from __future__ import annotations

from fastapi import APIRouter

from tetra.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["market"], responses=ERROR_RESPONSES)
