"""Routes of the API's pipeline area."""

from __future__ import annotations

from fastapi import APIRouter

from tetra.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["pipeline"], responses=ERROR_RESPONSES)
