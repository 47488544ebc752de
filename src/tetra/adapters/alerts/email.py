"""Deliver alerts by email over SMTP (STARTTLS and login when configured).

Uses the same SMTP settings as the reports (`TETRA_SMTP__*`). One message per alert state
change, subject ``[Tetra] FIRING critical stale_data:market_data.ohlcv``.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from tetra.monitoring.alerts import Alert, DeliveryError


class EmailChannel:
    """Sends each alert to `recipients` through one SMTP server."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 10.0,
    ) -> None:
        if not recipients:
            raise ValueError("email alerts need at least one recipient")
        self._host, self._port, self._timeout = host, port, timeout
        self._sender, self._recipients = sender, list(recipients)
        self._username, self._password, self._starttls = username, password, starttls

    def message(self, alert: Alert) -> EmailMessage:
        """Return the email sent for `alert`."""
        message = EmailMessage()
        message["Subject"] = f"[Tetra] {alert.state.upper()} {alert.severity} {alert.alert_id}"
        message["From"] = self._sender
        message["To"] = ", ".join(self._recipients)
        lines = [
            alert.message,
            "",
            f"rule: {alert.rule}",
            f"subject: {alert.subject}",
            f"state: {alert.state}",
            f"first seen: {alert.first_seen:%Y-%m-%d %H:%M:%S %Z}",
            f"last seen: {alert.last_seen:%Y-%m-%d %H:%M:%S %Z}",
        ]
        if alert.resolved_at is not None:
            lines.append(f"resolved: {alert.resolved_at:%Y-%m-%d %H:%M:%S %Z}")
        message.set_content("\n".join(lines) + "\n")
        return message

    def deliver(self, alert: Alert) -> None:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls()
                if self._username and self._password:
                    smtp.login(self._username, self._password)
                smtp.send_message(self.message(alert))
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP {self._host}:{self._port}: {error}") from None
