"""The OpenAPI document the web client is generated from is current."""

from __future__ import annotations

import json

from tetra.cli.serve import OPENAPI_FILE, openapi_document


def test_web_openapi_json_equals_the_apps_document() -> None:
    written = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))

    assert written == openapi_document(), "web/openapi.json is stale: run `tetra openapi`"
