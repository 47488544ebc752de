"""Alert delivery channels: a JSON webhook (generic, Slack, Telegram) and email over SMTP."""

from tetra.adapters.alerts.email import EmailChannel
from tetra.adapters.alerts.webhook import WebhookChannel, WebhookFormat

__all__ = ["EmailChannel", "WebhookChannel", "WebhookFormat"]
