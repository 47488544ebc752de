"""Deliver alerts as a JSON POST: Tetra's own body, Slack's or Telegram's.

- ``json``: every field of the alert plus ``text`` (for your own receiver, or Alertmanager-
  style relays);
- ``slack``: ``{"text": ...}``, what a Slack incoming webhook accepts;
- ``telegram``: ``{"chat_id": ..., "text": ...}`` for the Bot API's ``sendMessage`` URL
  (``https://api.telegram.org/bot<token>/sendMessage``).
A non-2xx answer, a timeout or a refused connection raise `DeliveryError`; the URL (it holds
the secret of Slack and Telegram hooks) never appears in the error.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any

import httpx

from tetra.monitoring.alerts import Alert, DeliveryError


class WebhookFormat(StrEnum):
    JSON = "json"
    SLACK = "slack"
    TELEGRAM = "telegram"


class WebhookChannel:
    """POSTs each alert to one URL in one format."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        format: WebhookFormat = WebhookFormat.JSON,
        *,
        chat_id: str | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if format is WebhookFormat.TELEGRAM and not chat_id:
            raise ValueError("a Telegram webhook needs a chat_id")
        self._url = url
        self._format = format
        self._chat_id = chat_id
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def body(self, alert: Alert) -> dict[str, Any]:
        """Return the JSON body posted for `alert`."""
        if self._format is WebhookFormat.SLACK:
            return {"text": alert.text}
        if self._format is WebhookFormat.TELEGRAM:
            return {"chat_id": self._chat_id, "text": alert.text}
        fields = {k: _plain(v) for k, v in dataclasses.asdict(alert).items()}
        return {**fields, "text": alert.text}

    def deliver(self, alert: Alert) -> None:
        try:
            response = self._client.post(self._url, json=self.body(alert))
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook unreachable: {type(error).__name__}") from None
        if not response.is_success:
            raise DeliveryError(f"webhook answered HTTP {response.status_code}")

    def close(self) -> None:
        self._client.close()


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
