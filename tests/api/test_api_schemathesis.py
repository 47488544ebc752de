"""Property-based requests from the OpenAPI schema: no 5xx, answers conform to the schema.

Schemathesis calls the app in process (no network), on the filled DuckDB sample with the
offline chat, with the API key on every call. Only GET operations: they are all the API reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.api.app import create_app
from tetra.chat.service import ChatService
from tetra.cli.chat_wiring import build_chat
from tetra.cli.hosted import HostedCommands
from tetra.data.ports import Store
from tetra.settings import Settings
from tetra.testing import InMemoryStore, InMemoryTracker

API_KEY = "schemathesis-key"


# The schema is loaded at import, before any fixture, so the app starts over an empty
# in-memory store and `on_the_filled_store` swaps in the filled DuckDB sample per test.
# Reads only: the command runner is there so GET /api/jobs/commands answers (it runs nothing).
app = create_app(InMemoryStore(), api_key=API_KEY, commands=HostedCommands())
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", app)
    .include(method="GET")
    .exclude(path="/metrics")
)


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
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request_within_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"X-API-Key": API_KEY},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
