"""Property-based requests to every risk route, POSTs included: no 5xx, answers in schema.

The risk routes take bodies a person types (holdings, policies, kill-switch reasons), so
unlike the read-only suite this one also generates POST bodies.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tetra.adapters.stores import open_store
from tetra.api.app import create_app
from tetra.data.store_kind import StoreKind
from tetra.testing import InMemoryStore, bars_frame

API_KEY = "schemathesis-key"

app = create_app(InMemoryStore(), api_key=API_KEY)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/risk/")


@pytest.fixture(scope="module")
def risk_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    path = Path(tmp_path_factory.mktemp("risk-fuzz")) / "store.duckdb"
    store = open_store(str(path), StoreKind.LIVE)
    store.upsert("market_data.ohlcv", bars_frame(("SPY", "QQQ", "TLT"), "2023-01-02", 300))
    yield store
    store.close()


@pytest.fixture(autouse=True)
def on_the_store(risk_store: object) -> Iterator[None]:
    empty = app.state.store
    app.state.store = risk_store
    app.state.kill_switches = app.state.risk_run_books = None
    yield
    app.state.store = empty
    app.state.kill_switches = app.state.risk_run_books = None


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_risk_routes_answer_every_generated_request_within_their_schema(
    case: schemathesis.Case,
) -> None:
    case.call_and_validate(
        headers={"X-API-Key": API_KEY},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
