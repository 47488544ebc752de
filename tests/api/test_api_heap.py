"""A server app may freeze the objects alive at start-up, so full collections stay short."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from tetra.api.app import create_app
from tetra.testing import InMemoryStore


def test_an_app_asked_to_freeze_its_start_up_heap_does_so_when_it_starts() -> None:
    gc.unfreeze()
    app = create_app(InMemoryStore(), api_key="k", freeze_startup_heap=True)
    try:
        assert gc.get_freeze_count() == 0
        with TestClient(app) as client:
            assert gc.get_freeze_count() > 0
            assert client.get("/healthz").status_code == 200
    finally:
        gc.unfreeze()


def test_an_app_leaves_the_collector_alone_by_default() -> None:
    gc.unfreeze()
    with TestClient(create_app(InMemoryStore(), api_key="k")):
        assert gc.get_freeze_count() == 0
