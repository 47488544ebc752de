"""Property-based POST and DELETE requests from the OpenAPI schema: no input gives a 5xx.

The companion of `test_api_schemathesis.py` (the reads): every route that starts, changes or
deletes something gets schema-generated bodies and paths, hostile values included, on the
filled DuckDB sample with the offline chat. Only "no server error" is checked: a 202, 404, 409
or 422 are all fair answers to generated input, and so is a 503 that says, in the error model,
that a feature is not configured here (a cloud model, SMTP): that is the server's state, not a
failure to handle the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.api.app import create_app
from tetra.chat.service import ChatService
from tetra.cli.chat_wiring import build_chat
from tetra.data.ports import Store
from tetra.settings import Settings
from tetra.testing import InMemoryStore, InMemoryTracker

API_KEY = "schemathesis-key"
NOT_CONFIGURED = {"provider_unavailable", "unavailable"}  # error codes of a deliberate 503

app = create_app(InMemoryStore(), api_key=API_KEY)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(method=["POST", "DELETE"])


@pytest.fixture(scope="module")
def offline_chat(filled_store: Callable[[str], Store]) -> Iterator[ChatService]:
    store = filled_store("duckdb")
    assert isinstance(store, DuckDBStore)
    chat = build_chat(Settings(), store, store.path)
    assert chat is not None
    yield chat
    chat.close()


@pytest.fixture(autouse=True)
def on_the_filled_store(
    filled_store: Callable[[str], Store], offline_chat: ChatService
) -> Iterator[None]:
    empty = app.state.store
    app.state.store, app.state.chat = filled_store("duckdb"), offline_chat
    app.state.tracker = InMemoryTracker()
    yield
    app.state.store, app.state.chat, app.state.tracker = empty, None, None


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_write_request_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers={"X-API-Key": API_KEY})

    if response.status_code == 503:
        assert response.json()["error"]["code"] in NOT_CONFIGURED, response.text
    else:
        assert response.status_code < 500, response.text
