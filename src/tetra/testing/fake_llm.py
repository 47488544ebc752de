"""`FakeLlmServer`: an OpenAI-compatible chat-completions server on loopback, for tests.

It answers ``POST /v1/chat/completions`` in OpenAI's format with scripted replies (a list
consumed in order, or a function of the request) and records every request body, so a test can
prove what a cloud model received. ``fail_with`` makes it answer an HTTP error instead.

    with FakeLlmServer(replies=['{"sql": "SELECT 1", "explanation": "one"}']) as server:
        model = OpenAICompatibleModel(server.base_url, "fake-model", max_retries=0)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["FakeLlmServer"]

Responder = Callable[[dict[str, Any]], str]


class FakeLlmServer:
    """A scripted chat-completions endpoint on 127.0.0.1 at a free port."""

    def __init__(self, replies: Iterable[str] = (), *, respond: Responder | None = None) -> None:
        self._replies = list(replies)
        self._respond = respond
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: str) -> None:
        """Queue more replies, served in order."""
        with self._lock:
            self._replies.extend(replies)

    def reset(self) -> None:
        """Forget queued replies, recorded requests and any scripted failure."""
        with self._lock:
            self._replies.clear()
            self.requests.clear()
            self.fail_with = None

    def received_text(self) -> str:
        """Return every message content of every request, joined: what the model was told."""
        return "\n".join(
            str(message.get("content", ""))
            for request in self.requests
            for message in request.get("messages", [])
        )

    def __enter__(self) -> FakeLlmServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _reply_to(self, body: dict[str, Any]) -> str:
        with self._lock:
            self.requests.append(body)
            if self._respond is not None:
                return self._respond(body)
            if not self._replies:
                return '{"sql": "", "explanation": "the fake model has no scripted reply"}'
            return self._replies.pop(0)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                elif fake.fail_with is not None:
                    fake.requests.append(body)
                    self._send(fake.fail_with, {"error": {"message": "scripted failure"}})
                else:
                    self._send(200, _completion(body, fake._reply_to(body)))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


def _completion(request: dict[str, Any], content: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
