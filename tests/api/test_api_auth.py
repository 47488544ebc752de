"""Every route but /healthz refuses a request without the API key or with a wrong one.

The routes are read from the app's OpenAPI document, so a route added later is covered
without editing this.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tetra.api.app import create_app
from tetra.testing import InMemoryStore

OPEN_PATHS = {"/healthz"}


def guarded_requests() -> list[tuple[str, str]]:
    """Every (method, path) of the app but the open ones, path parameters filled."""
    app = create_app(InMemoryStore(), api_key="unused")
    paths: dict[str, dict[str, object]] = app.openapi()["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "sample", path))
        for path, operations in paths.items()
        if path not in OPEN_PATHS
        for method in sorted(operations)
    ]


GUARDED = guarded_requests()


def test_the_app_has_guarded_routes_of_every_area() -> None:
    paths = {path for _, path in GUARDED}

    assert {"/api/market/bars/sample", "/api/pipeline/runs", "/metrics"} <= paths


@pytest.mark.parametrize(("method", "path"), GUARDED)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong-key"}], ids=["no-key", "wrong-key"])
def test_route_refuses_a_missing_or_wrong_key_with_the_error_model(
    client_for: Callable[[str], Any], method: str, path: str, headers: dict[str, str]
) -> None:
    client = client_for("duckdb")

    response = client.request(method, path, headers=headers)

    assert response.status_code == 401
    message = (
        "missing or wrong bearer token or X-API-Key"  # Prometheus scrapes with a bearer token
        if path == "/metrics"
        else "missing or wrong X-API-Key"
    )
    assert response.json() == {
        "error": {"code": "unauthorized", "message": message, "details": None}
    }


def test_healthz_answers_without_a_key(client_for: Callable[[str], Any]) -> None:
    response = client_for("duckdb").get("/healthz", headers={})

    assert response.status_code == 200
