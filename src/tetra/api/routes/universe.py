"""`GET /api/universe`: the instruments Tetra follows, filterable by group and theme."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException

from tetra.api.errors import ERROR_RESPONSES
from tetra.api.schemas.universe import InstrumentOut
from tetra.data.universe import UniverseError, load_universe

router = APIRouter(prefix="/api/universe", tags=["universe"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[InstrumentOut], summary="Instruments of the universe")
async def universe(
    group: str | None = Query(
        None, description="largest_etfs, themed_etfs, largest_stocks, growth_stocks or crypto."
    ),
    theme: str | None = Query(None, description="A theme tag, e.g. quantum."),
) -> list[InstrumentOut]:
    chosen = load_universe()
    try:
        if group is not None:
            chosen = chosen.by_group(group)
        if theme is not None:
            chosen = chosen.by_theme(theme)
    except UniverseError as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    return [
        InstrumentOut(
            symbol=i.symbol,
            name=i.name,
            asset_class=i.asset_class.value,
            group=i.group.value,
            exchange=i.exchange,
            currency=i.currency,
            themes=list(i.themes),
            sector=i.sector,
            listed=i.listed,
        )
        for i in chosen
    ]
