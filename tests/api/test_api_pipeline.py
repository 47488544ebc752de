"""The pipeline routes over two real pipeline runs, on DuckDB and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest

RUNS = "/api/pipeline/runs"


def test_runs_newest_first_with_steps_and_errors_parsed(client: Any) -> None:
    payload = client.json(RUNS)

    assert payload["total"] == 2
    assert [r["started_at"] for r in payload["items"]] == [
        "2024-12-31T22:00:00Z",
        "2024-12-31T20:00:00Z",
    ]
    first_run = payload["items"][1]
    assert first_run["status"] == "success"
    assert first_run["rows_quarantined"] == 1
    assert first_run["steps"]["market_data"]["quarantined"] == 1
    assert first_run["steps"]["data_quality"]["status"] == "success"
    assert first_run["errors"] == {}


def test_runs_filter_by_status_and_page(client: Any) -> None:
    assert client.json(f"{RUNS}?status=failed")["total"] == 0
    page = client.json(f"{RUNS}?offset=1&limit=1")
    assert (page["total"], len(page["items"])) == (2, 1)
    assert page["items"][0]["started_at"] == "2024-12-31T20:00:00Z"


def test_one_run_by_id_and_404_for_an_unknown_one(client: Any) -> None:
    run_id = client.json(RUNS)["items"][0]["run_id"]

    assert client.json(f"{RUNS}/{run_id}") == client.json(RUNS)["items"][0]
    response = client.get(f"{RUNS}/nope")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "no pipeline run 'nope'",
        "details": None,
    }


def test_quarantine_lists_rejected_records_with_their_payload(client: Any) -> None:
    payload = client.json("/api/pipeline/quarantine")

    assert payload["total"] == 1
    record = payload["items"][0]
    assert record["dataset"] == "market_data.ohlcv"
    assert record["reason"] == "high below max(open, close)"
    assert record["payload"]["symbol"] == "AAA"
    assert record["payload"]["high"] == 1.0


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("dataset=market_data.ohlcv", 1),
        ("dataset=news.articles", 0),
        ("source=fake", 1),
        ("source=other", 0),
        ("reason=HIGH%20BELOW", 1),
        ("reason=negative", 0),
    ],
)
def test_quarantine_filters_by_dataset_source_and_reason_text(
    client: Any, query: str, total: int
) -> None:
    assert client.json(f"/api/pipeline/quarantine?{query}")["total"] == total


def test_quality_counts_quarantined_reasons_and_lists_symbols_missing_sessions(
    client: Any,
) -> None:
    payload = client.json("/api/pipeline/quality")

    assert [d["dataset"] for d in payload["datasets"]] == ["market_data.ohlcv"]
    ohlcv = payload["datasets"][0]
    assert ohlcv["quarantined"] == 1
    assert ohlcv["reasons"] == [{"reason": "high below max(open, close)", "count": 1}]
    gaps = {g["symbol"]: (g["missing"], g["gaps"]) for g in ohlcv["symbols_with_gaps"]}
    assert gaps == {
        "AAA": (1, [["2024-11-06", "2024-11-06"]]),
        "BBB": (3, [["2024-11-27", "2024-12-02"]]),
    }
