"""Specification of `OpenAICompatibleModel` over real HTTP on loopback with the real openai SDK.

`FakeLlmServer` records request bodies; for headers, a small recording server lives here.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tetra.adapters.llm import OpenAICompatibleModel
from tetra.chat.translation import Message, ModelFailed
from tetra.testing import FakeLlmServer

API_KEY = "sk-secret-123"
MESSAGES = [
    Message("system", "You translate questions into SQL."),
    Message("user", "What was the last close of QQQ?"),
    Message("assistant", '{"sql": "SELECT 1", "explanation": ""}'),
    Message("user", "And of SPY?"),
]
REPLY = '{"sql": "SELECT close FROM market_data.ohlcv", "explanation": "the close"}'


class HeaderRecordingServer:
    """A chat-completions endpoint on loopback that records each request's headers."""

    def __init__(self, content: str | None = "ok") -> None:
        self.headers: list[dict[str, str]] = []
        recorded = self.headers

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorded.append({k.lower(): v for k, v in self.headers.items()})
                data = json.dumps(_completion(content)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> HeaderRecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _completion(content: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


@pytest.fixture(scope="module")
def running_server() -> Iterator[FakeLlmServer]:
    # One server for the module: stopping one takes half a second (its poll interval).
    with FakeLlmServer(respond=lambda _request: REPLY) as running:
        yield running


@pytest.fixture
def server(running_server: FakeLlmServer) -> FakeLlmServer:
    """The module's server, answering REPLY, with no request recorded yet."""
    running_server.requests.clear()
    running_server.fail_with = None
    return running_server


@pytest.fixture
def model(server: FakeLlmServer) -> Iterator[OpenAICompatibleModel]:
    opened = OpenAICompatibleModel(server.base_url, "fake-model", api_key=API_KEY, max_retries=0)
    yield opened
    opened.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_complete_returns_the_reply_text(model: OpenAICompatibleModel) -> None:
    assert model.complete(MESSAGES) == REPLY


def test_request_carries_the_model_and_the_messages_in_order(
    model: OpenAICompatibleModel, server: FakeLlmServer
) -> None:
    model.complete(MESSAGES)

    (request,) = server.requests
    assert request["model"] == "fake-model"
    assert request["messages"] == [{"role": m.role, "content": m.content} for m in MESSAGES]


def test_request_runs_at_temperature_zero_with_the_token_cap(
    model: OpenAICompatibleModel, server: FakeLlmServer
) -> None:
    model.complete(MESSAGES, max_tokens=300)

    (request,) = server.requests
    assert request["temperature"] == 0
    assert request["max_tokens"] == 300


def test_request_caps_tokens_at_800_by_default(
    model: OpenAICompatibleModel, server: FakeLlmServer
) -> None:
    model.complete(MESSAGES)

    assert server.requests[0]["max_tokens"] == 800


def test_request_carries_no_tools_or_functions(
    model: OpenAICompatibleModel, server: FakeLlmServer
) -> None:
    model.complete(MESSAGES)

    (request,) = server.requests
    forbidden = {"tools", "tool_choice", "functions", "function_call", "parallel_tool_calls"}
    assert forbidden.isdisjoint(request)


@pytest.mark.parametrize("status", [500, 429, 401, 404])
def test_an_http_error_becomes_model_failed_naming_the_status_not_the_key(
    model: OpenAICompatibleModel, server: FakeLlmServer, status: int
) -> None:
    server.fail_with = status

    with pytest.raises(ModelFailed, match=f"HTTP {status}") as raised:
        model.complete(MESSAGES)

    assert API_KEY not in str(raised.value)
    assert "fake-model" in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__ is True


def test_an_http_error_is_not_retried_when_retries_are_off(
    model: OpenAICompatibleModel, server: FakeLlmServer
) -> None:
    server.fail_with = 500

    with pytest.raises(ModelFailed):
        model.complete(MESSAGES)

    assert len(server.requests) == 1


def test_an_http_error_message_holds_no_prompt_text(
    model: OpenAICompatibleModel, server: FakeLlmServer
) -> None:
    server.fail_with = 500

    with pytest.raises(ModelFailed) as raised:
        model.complete(MESSAGES)

    assert "last close of QQQ" not in str(raised.value)


def test_an_unreachable_endpoint_becomes_model_failed_without_the_key() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    model = OpenAICompatibleModel(
        base_url, "fake-model", api_key=API_KEY, timeout_seconds=2.0, max_retries=0
    )
    try:
        with pytest.raises(ModelFailed, match="is unreachable: APIConnectionError") as raised:
            model.complete(MESSAGES)
    finally:
        model.close()

    assert base_url in str(raised.value)
    assert API_KEY not in str(raised.value)


def test_the_api_key_is_sent_as_a_bearer_token() -> None:
    with HeaderRecordingServer() as recording:
        model = OpenAICompatibleModel(
            recording.base_url, "fake-model", api_key=API_KEY, max_retries=0
        )
        try:
            model.complete(MESSAGES)
        finally:
            model.close()

    assert recording.headers[0]["authorization"] == f"Bearer {API_KEY}"


def test_without_an_api_key_a_placeholder_bearer_token_is_sent() -> None:
    with HeaderRecordingServer() as recording:
        model = OpenAICompatibleModel(recording.base_url, "llama3", max_retries=0)
        try:
            model.complete(MESSAGES)
        finally:
            model.close()

    assert recording.headers[0]["authorization"] == "Bearer not-needed"


def test_a_reply_without_text_becomes_model_failed() -> None:
    with HeaderRecordingServer(content=None) as recording:
        model = OpenAICompatibleModel(recording.base_url, "fake-model", max_retries=0)
        try:
            with pytest.raises(ModelFailed, match="fake-model returned no text"):
                model.complete(MESSAGES)
        finally:
            model.close()
