"""Routes of the API's live area."""

from __future__ import annotations

from fastapi import APIRouter

from tetra.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["live"], responses=ERROR_RESPONSES)
