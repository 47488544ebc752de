"""A real SMTP server on loopback (aiosmtpd) for tests of email delivery.

`LoopbackSmtp` binds 127.0.0.1 on a free port and keeps every accepted message. Options:
``tls="starttls"`` or ``"ssl"`` with a self-signed certificate made on the spot (clients
trust it through `client_tls_context`), ``credentials`` to require AUTH LOGIN/PLAIN (only
after TLS when TLS is on), and ``refuse_first`` to answer the first N messages with a
temporary failure (451), as a busy relay does.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

__all__ = ["LoopbackSmtp", "ReceivedMail"]


@dataclass(frozen=True)
class ReceivedMail:
    """One message the server accepted: envelope and the parsed message."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    def parsed(self) -> EmailMessage:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class _Handler:
    refuse_first: int
    received: list[ReceivedMail] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.refused < self.refuse_first:
            self.refused += 1
            return "451 4.3.0 Busy, try again later"
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.received.append(ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), raw))
        return "250 2.0.0 OK"


class LoopbackSmtp:
    """Start with ``with LoopbackSmtp(...) as server:``; see the module docstring."""

    def __init__(
        self,
        *,
        tls: Literal["none", "starttls", "ssl"] = "none",
        credentials: tuple[str, str] | None = None,
        refuse_first: int = 0,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.tls = tls
        self.credentials = credentials
        self._handler = _Handler(refuse_first)
        self._folder = tempfile.TemporaryDirectory(prefix="tetra-smtp-")
        self._cert_pem = b""
        self._controller: Any = None

    @property
    def received(self) -> list[ReceivedMail]:
        return self._handler.received

    def client_tls_context(self) -> ssl.SSLContext:
        """Return a client context that trusts this server's self-signed certificate."""
        return ssl.create_default_context(cadata=self._cert_pem.decode())

    def __enter__(self) -> LoopbackSmtp:
        from aiosmtpd.controller import Controller

        options: dict[str, Any] = {}
        if self.tls != "none":
            context = self._server_tls_context()
            if self.tls == "ssl":
                options["ssl_context"] = context
            else:
                options["tls_context"] = context
                options["require_starttls"] = True
        if self.credentials is not None:
            options["authenticator"] = self._authenticate
            options["auth_require_tls"] = self.tls != "none"
        else:
            options["auth_require_tls"] = False
        self._controller = Controller(self._handler, hostname=self.host, port=self.port, **options)
        self._controller.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._controller is not None:
            self._controller.stop()
        self._folder.cleanup()

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        )
        return AuthResult(success=ok, handled=False)

    def _server_tls_context(self) -> ssl.SSLContext:
        cert, key = _self_signed()
        self._cert_pem = cert
        folder = Path(self._folder.name)
        (folder / "cert.pem").write_bytes(cert)
        (folder / "key.pem").write_bytes(key)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        return context


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _self_signed() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem
