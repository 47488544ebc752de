"""Loopback receivers for delivery tests: an HTTP webhook sink and a minimal SMTP server.

Both run on 127.0.0.1 in a daemon thread, speak the real wire protocol (HTTP/1.1 POST; SMTP's
EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT as in RFC 5321) and keep what they received.
`WebhookSink(status=500)` answers every POST with that status, to test failed deliveries.
"""

from __future__ import annotations

import json
import socketserver
import threading
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class WebhookSink:
    """Collects JSON bodies POSTed to http://127.0.0.1:<port>/<any path>."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.bodies: list[Any] = []
        self.paths: list[str] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                sink.bodies.append(json.loads(self.rfile.read(length)))
                sink.paths.append(self.path)
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookSink:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    sink: SmtpSink

    def handle(self) -> None:
        self.sender, self.recipients = "", list[str]()
        self._reply("220 localhost Tetra test SMTP")
        while line := self.rfile.readline():
            text = line.decode().strip()
            verb, _, argument = text.partition(" ")
            if not self._answer(verb.upper(), argument.strip()):
                return

    def _answer(self, verb: str, argument: str) -> bool:
        if verb == "QUIT":
            self._reply("221 bye")
            return False
        if verb == "MAIL":
            self.sender = argument.partition(":")[2].strip("<> ")
        elif verb == "RCPT":
            self.recipients.append(argument.partition(":")[2].strip("<> "))
        elif verb == "DATA":
            self._reply("354 end with <CRLF>.<CRLF>")
            self.sink.messages.append(message_from_bytes(self._data()))
            self.sink.envelopes.append((self.sender, self.recipients))
            self.sender, self.recipients = "", []
        elif verb not in ("EHLO", "HELO", "RSET", "NOOP"):
            self._reply("502 command not implemented")
            return True
        self._reply("250 OK")
        return True

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class SmtpSink:
    """A plain (no TLS, no auth) SMTP server keeping each accepted message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        handler = type("Handler", (_SmtpHandler,), {"sink": self})
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.host, self.port = "127.0.0.1", self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
