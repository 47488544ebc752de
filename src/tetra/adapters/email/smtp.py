"""`SmtpMailer`: the `tetra.reports.delivery.Mailer` port over SMTP (smtplib).

Security: ``ssl`` (implicit TLS, usually port 465), ``starttls`` (upgrade, usually 587),
or ``none`` (loopback relays only). Login only when a username is set; a server that does
not offer AUTH after TLS is an error, never a silent unauthenticated send. Any SMTP or
socket failure becomes a `DeliveryError` with the server's reason.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from tetra.reports.delivery import DeliveryError

Security = Literal["ssl", "starttls", "none"]


@dataclass(frozen=True)
class SmtpMailer:
    """Send through one SMTP server (see the module docstring)."""

    host: str
    port: int
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    tls_context: ssl.SSLContext | None = None

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.security == "starttls":
                    client.starttls(context=self._context())
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {_reason(error)}") from error
        if refused:
            raise DeliveryError(f"SMTP {self.host}:{self.port} refused {sorted(refused)}")

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _context(self) -> ssl.SSLContext:
        return self.tls_context or ssl.create_default_context()


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"
