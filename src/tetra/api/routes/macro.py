"""An economic series' vintages: the days it published values, first releases and revisions.

The list of series and their observations as known on a day (``as_of``) are under
``/api/market/macro``; this adds what a chart of overlaid vintages needs to choose them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.exceptions import HTTPException

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.queries import macro as macro_queries
from tetra.api.queries.common import NotFound
from tetra.api.schemas.macro import MacroVintagesOut

router = APIRouter(prefix="/api/market", tags=["market"], responses=ERROR_RESPONSES)


@router.get(
    "/macro/{series_id}/vintages", response_model=MacroVintagesOut, summary="A series' vintages"
)
async def macro_vintages(
    store: StoreDep,
    series_id: Annotated[str, Path(max_length=64, description="e.g. CPIAUCSL.")],
    source: Annotated[str | None, Query(max_length=64, description="e.g. fred.")] = None,
) -> MacroVintagesOut:
    """Return each vintage, oldest first, with its count of new and revised values."""
    try:
        return await blocking(macro_queries.vintages, store, series_id, source)
    except NotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
