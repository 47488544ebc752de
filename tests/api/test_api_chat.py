"""The chat over HTTP: translate, execute, export and describe, on DuckDB and PostgreSQL.

Models are `FakeLlmServer`s on loopback, spoken to by the real openai SDK; what the fake cloud
server received is how the tests prove that private tables and rows never left the machine.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import openpyxl
import pytest
from chat_fixtures import PRIVATE_MARKERS, SYMBOLS

from conftest import ApiClient, chat_settings
from tetra.adapters.stores import open_store
from tetra.cli.chat_wiring import build_chat
from tetra.settings import ChatSettings, Settings
from tetra.testing import FakeLlmServer

ClientFor = Callable[[Settings], ApiClient]
LAST_CLOSE = "SELECT symbol, close FROM market_data.ohlcv ORDER BY ts DESC, symbol LIMIT 2"


def _reply(sql: str, explanation: str = "from the fake model") -> str:
    return json.dumps({"sql": sql, "explanation": explanation})


def _post(client: ApiClient, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = client.request("POST", path, json=body)
    return response.status_code, response.json()


def test_offline_question_gives_guarded_sql_that_runs(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())

    status, answer = _post(client, "/api/chat/query", {"question": "latest close of AAA"})
    assert status == 200, answer
    assert answer["provider"] == "offline"
    assert str(answer["explanation"]).startswith("Offline translator")
    assert answer["accepted"] is True
    assert answer["tables"] == ["market_data.ohlcv"]

    status, result = _post(client, "/api/chat/execute", {"sql": answer["sql"]})
    assert status == 200, result
    assert result["row_count"] == 1
    assert result["rows"][0][0] == "AAA"
    assert result["truncated"] is False
    assert result["elapsed_ms"] >= 0
    assert {c["name"] for c in result["columns"]} >= {"symbol", "close"}


def test_execute_returns_typed_columns_and_a_line_chart_for_a_time_series(
    chat_client_for: ClientFor,
) -> None:
    client = chat_client_for(chat_settings())
    sql = "SELECT ts, symbol, close FROM market_data.ohlcv ORDER BY ts, symbol"

    status, result = _post(client, "/api/chat/execute", {"sql": sql})

    assert status == 200, result
    assert [c["type"] for c in result["columns"]] == ["time", "text", "number"]
    assert result["row_count"] == len(SYMBOLS) * 60
    assert result["chart"] == {
        "kind": "line", "x": "ts", "y": ["close"], "series": "symbol", "title": "",
        "rebase": False,
    }  # fmt: skip
    assert result["rows"][0][0] == "2024-01-02"


def test_execute_caps_rows_and_says_so(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())
    sql = "SELECT a.ts FROM market_data.ohlcv AS a CROSS JOIN market_data.ohlcv AS b"

    status, result = _post(client, "/api/chat/execute", {"sql": sql})

    assert status == 200, result
    assert result["row_count"] == 1000
    assert result["truncated"] is True
    assert "LIMIT 1000" in str(result["sql"])


def test_rejected_sql_answers_400_with_the_guard_reason(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())

    status, body = _post(client, "/api/chat/execute", {"sql": "DELETE FROM market_data.ohlcv"})

    assert status == 400
    assert body["error"]["code"] == "sql_rejected"
    assert "only SELECT" in body["error"]["message"]


def test_sql_nested_too_deep_answers_400_before_any_parsing(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())
    sql = "SELECT " + "(" * 50 + "1" + ")" * 50 + " AS x"

    status, body = _post(client, "/api/chat/execute", {"sql": sql})

    assert status == 400
    assert body["error"]["code"] == "sql_rejected"
    assert body["error"]["message"] == "the query nests brackets 50 deep; at most 32"


def test_list_and_interval_columns_come_back_as_json_text(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())
    sql = "SELECT ARRAY[1, 2] AS numbers, ARRAY['a', 'b'] AS words, INTERVAL '3 days' AS span"

    status, result = _post(client, "/api/chat/execute", {"sql": sql})

    assert status == 200, result
    numbers, words, span = result["rows"][0]  # type: ignore[index]
    assert (json.loads(numbers), json.loads(words)) == ([1, 2], ["a", "b"])
    assert span == "3 days 00:00:00"


def test_struct_map_and_nested_list_columns_come_back_as_json_text(
    chat_client_for: ClientFor, chat_store: tuple[object, str]
) -> None:
    if chat_store[1].startswith("postgres"):
        pytest.skip("structs and maps are DuckDB types")
    client = chat_client_for(chat_settings())
    sql = (
        "SELECT {'a': 1, 'b': [1, 2]} AS s, map([1], ['x']) AS m, [[1, 2], [3]] AS nested, "
        "string_split('a,b', ',') AS parts"
    )

    status, result = _post(client, "/api/chat/execute", {"sql": sql})

    assert status == 200, result
    cells = [json.loads(c) for c in result["rows"][0]]  # type: ignore[index]
    assert cells == [{"a": 1, "b": [1, 2]}, {"1": "x"}, [[1, 2], [3]], ["a", "b"]]


def test_a_failing_query_answers_400_query_failed(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())

    status, body = _post(
        client, "/api/chat/execute", {"sql": "SELECT no_such_column FROM market_data.ohlcv"}
    )

    assert status == 400
    assert body["error"]["code"] == "query_failed"


def test_unrecognised_offline_question_answers_422_naming_the_offline_translator(
    chat_client_for: ClientFor,
) -> None:
    client = chat_client_for(chat_settings())

    status, body = _post(client, "/api/chat/query", {"question": "write me a poem"})

    assert status == 422
    assert body["error"]["code"] == "not_translated"
    assert "offline translator" in body["error"]["message"].lower()
    details = body["error"]["details"]
    assert "the return over a period" in details["shapes"]
    assert "What is the latest close of AAPL?" in details["examples"]
    assert details["settings"] == ["TETRA_LLM_CLOUD__BASE_URL", "TETRA_LLM_LOCAL__BASE_URL"]


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_export_downloads_the_rows_with_formulas_defused(
    chat_client_for: ClientFor, format_: str
) -> None:
    client = chat_client_for(chat_settings())
    sql = "SELECT article_id, title FROM news.articles ORDER BY article_id"

    response = client.request("POST", "/api/chat/export", json={"sql": sql, "format": format_})

    assert response.status_code == 200, response.text
    assert f"tetra-query.{format_}" in response.headers["content-disposition"]
    assert (response.headers["x-row-count"], response.headers["x-truncated"]) == ("4", "false")
    if format_ == "csv":
        lines = response.text.splitlines()
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        lines = [",".join(str(c) for c in row) for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == "article_id,title"
    assert len(lines) == 5
    assert any("'=HYPERLINK" in line for line in lines)
    assert not any(line.split(",", 1)[1].startswith("=") for line in lines[1:])


CROSS_JOIN = (
    "SELECT a.symbol, a.ts, b.close FROM market_data.ohlcv AS a "
    "CROSS JOIN market_data.ohlcv AS b ORDER BY a.symbol, a.ts, b.close"
)


def test_export_streams_rows_beyond_the_screen_cap_with_the_count_in_the_headers(
    chat_client_for: ClientFor,
) -> None:
    client = chat_client_for(chat_settings())
    sql = CROSS_JOIN.replace("ORDER BY", "WHERE b.symbol = 'AAA' ORDER BY")

    response = client.request("POST", "/api/chat/export", json={"sql": sql, "format": "csv"})

    assert response.status_code == 200, response.text
    expected = len(SYMBOLS) * 60 * 60
    assert expected > 1000
    assert response.headers["x-row-count"] == str(expected)
    assert response.headers["x-truncated"] == "false"
    assert response.headers["x-row-cap"] == "1000000"
    lines = response.text.splitlines()
    assert lines[0] == "symbol,ts,close"
    assert len(lines) == expected + 1


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_export_stops_at_the_configured_cap_and_says_it_was_cut(
    chat_client_for: ClientFor, format_: str
) -> None:
    config = chat_settings()
    config.chat.export_max_rows = 1500
    client = chat_client_for(config)

    response = client.request(
        "POST", "/api/chat/export", json={"sql": CROSS_JOIN, "format": format_}
    )

    assert response.status_code == 200, response.text
    assert (response.headers["x-row-count"], response.headers["x-truncated"]) == ("1500", "true")
    if format_ == "csv":
        assert len(response.text.splitlines()) == 1501
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert sheet.max_row == 1501


def test_export_of_sql_the_guard_rejects_answers_400(chat_client_for: ClientFor) -> None:
    client = chat_client_for(chat_settings())

    status, body = _post(
        client, "/api/chat/export", {"sql": "DELETE FROM market_data.ohlcv", "format": "csv"}
    )

    assert status == 400
    assert body["error"]["code"] == "sql_rejected"


def test_schema_context_for_the_public_audience_has_no_private_table(
    chat_client_for: ClientFor,
) -> None:
    client = chat_client_for(chat_settings())

    private = client.json("/api/chat/schema-context", params={"audience": "private"})
    public = client.json("/api/chat/schema-context", params={"audience": "public"})

    private_names = {t["name"] for t in private["tables"]}
    public_names = {t["name"] for t in public["tables"]}
    assert {"strategies.trades", "execution.positions"} <= private_names
    assert not any(n.startswith(("strategies.", "execution.")) for n in public_names)
    assert "market_data.ohlcv" in public_names
    assert "ops.watermarks" not in private_names
    assert not any(marker in json.dumps(public) for marker in PRIVATE_MARKERS)
    assert "secret_alpha" in json.dumps(private)  # example values of private tables, locally
    assert private["providers"] == ["offline"]
    assert private["suggestions"]
    assert private["max_rows"] == 1000


def test_cloud_model_sees_only_public_tables_and_its_sql_is_accepted(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm))
    cloud_llm.script(_reply(LAST_CLOSE))

    status, answer = _post(client, "/api/chat/query", {"question": "What closed last?"})

    assert status == 200, answer
    assert (answer["provider"], answer["model"], answer["accepted"]) == (
        "cloud",
        "fake-cloud",
        True,
    )
    assert answer["sql"] == LAST_CLOSE
    told = cloud_llm.received_text()
    assert "market_data.ohlcv" in told
    assert "strategies." not in told
    assert "execution." not in told
    assert not any(marker in told for marker in PRIVATE_MARKERS)
    assert all("tools" not in r and "functions" not in r for r in cloud_llm.requests)


def test_private_question_goes_to_the_local_model_and_never_to_the_cloud(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer, local_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm, local=local_llm))
    local_llm.script(_reply("SELECT symbol, SUM(pnl) AS pnl FROM strategies.trades GROUP BY 1"))

    status, answer = _post(client, "/api/chat/query", {"question": "What is my P&L by symbol?"})

    assert status == 200, answer
    assert (answer["provider"], answer["privacy"], answer["accepted"]) == (
        "local", "private", True
    )  # fmt: skip
    assert cloud_llm.requests == []
    assert "strategies.trades" in local_llm.received_text()


def test_asking_the_cloud_about_private_data_is_refused_before_any_request(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm))

    status, body = _post(
        client, "/api/chat/query", {"question": "show my open positions", "provider": "cloud"}
    )

    assert status == 422
    assert "local" in body["error"]["message"]
    assert cloud_llm.requests == []


def test_cloud_sql_over_a_private_table_is_rejected_and_not_run(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm))
    sneaky = _reply("SELECT * FROM strategies.trades")
    cloud_llm.script(sneaky, sneaky)

    status, answer = _post(client, "/api/chat/query", {"question": "top closes please"})

    assert status == 200, answer
    assert answer["accepted"] is False
    assert "strategies.trades" in str(answer["rejection"])
    assert answer["attempts"] == 2
    assert len(cloud_llm.requests) == 2


def test_a_failing_model_falls_back_to_offline_under_auto(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm))
    cloud_llm.fail_with = 400

    status, answer = _post(client, "/api/chat/query", {"question": "latest close of BBB"})
    assert status == 200, answer
    assert answer["provider"] == "offline"
    assert "HTTP 400" in str(answer["note"])

    status, body = _post(
        client, "/api/chat/query", {"question": "latest close of BBB", "provider": "cloud"}
    )
    assert status == 502
    assert body["error"]["code"] == "model_failed"
    assert "sk-cloud-secret" not in json.dumps(body)


def test_summary_of_public_rows_comes_from_the_cloud_as_plain_text_without_tools(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm))
    cloud_llm.script("Four articles about AAA; one asks to drop a table.")

    status, result = _post(
        client,
        "/api/chat/execute",
        {"sql": "SELECT title FROM news.articles", "question": "news?", "summarize": True},
    )

    assert status == 200, result
    assert result["summary"] == "Four articles about AAA; one asks to drop a table."
    assert result["summary_by"] == "cloud: fake-cloud"
    assert len(cloud_llm.requests) == 1
    request = cloud_llm.requests[0]
    assert "tools" not in request
    assert "tool_choice" not in request
    assert "<data>" in request["messages"][1]["content"]


def test_summary_of_private_rows_never_goes_to_the_cloud(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer, local_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm, local=local_llm))
    local_llm.script("One trade of AAA.")
    sql = "SELECT trade_id, pnl FROM strategies.trades"

    status, result = _post(client, "/api/chat/execute", {"sql": sql, "summarize": True})

    assert status == 200, result
    assert result["privacy"] == "private"
    assert result["summary"] == "One trade of AAA."
    assert result["summary_by"] == "local: fake-local"
    assert cloud_llm.requests == []
    assert "trade-secret-777" in local_llm.received_text()


def test_summary_of_private_rows_without_a_local_model_is_declined(
    chat_client_for: ClientFor, cloud_llm: FakeLlmServer
) -> None:
    client = chat_client_for(chat_settings(cloud=cloud_llm))

    status, result = _post(
        client,
        "/api/chat/execute",
        {"sql": "SELECT account, quantity FROM execution.positions", "summarize": True},
    )

    assert status == 200, result
    assert result["summary"] is None
    assert "private" in str(result["summary_note"])
    assert cloud_llm.requests == []


def test_asking_an_unconfigured_provider_answers_503_naming_the_settings(
    chat_client_for: ClientFor,
) -> None:
    client = chat_client_for(chat_settings())

    status, body = _post(client, "/api/chat/query", {"question": "x", "provider": "local"})

    assert status == 503
    assert body["error"]["code"] == "provider_unavailable"
    assert "TETRA_LLM_LOCAL__BASE_URL" in body["error"]["message"]


def test_chat_routes_answer_503_when_the_chat_is_off(client: ApiClient) -> None:
    response = client.request("POST", "/api/chat/query", json={"question": "anything"})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.postgres
def test_chat_without_its_role_is_left_off_instead_of_failing_the_server(
    postgres_databases: Callable[[str], str],
) -> None:
    url = postgres_databases("tetra_chat_norole")
    store = open_store(url)
    config = Settings(chat=ChatSettings(database_url="postgresql://no_such_user@127.0.0.1/x"))
    try:
        chat = build_chat(config, store, url)
    finally:
        store.close()

    assert chat is None
