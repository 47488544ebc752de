"""`GET /healthz`: the one route without a key, for load balancers and uptime checks."""

from __future__ import annotations

from fastapi import APIRouter

from tetra import __version__
from tetra.api.deps import StoreDep, blocking
from tetra.api.schemas.common import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness and store reachability")
async def health(store: StoreDep) -> Health:
    version = await blocking(store.schema_version)
    return Health(
        status="ok", store_kind=store.kind.value, schema_version=version, version=__version__
    )
