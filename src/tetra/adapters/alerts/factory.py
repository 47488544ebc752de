"""Build the alert channels the settings ask for."""

from __future__ import annotations

from tetra.adapters.alerts.email import EmailChannel
from tetra.adapters.alerts.webhook import WebhookChannel, WebhookFormat
from tetra.monitoring.alerts import AlertChannel
from tetra.settings import Settings


def channels_from(settings: Settings) -> list[AlertChannel]:
    """Return a webhook channel if a URL is set and an email channel if email is on."""
    config = settings.alerts
    channels: list[AlertChannel] = []
    if config.webhook_url is not None:
        channels.append(
            WebhookChannel(
                config.webhook_url.get_secret_value(),
                WebhookFormat(config.webhook_format),
                chat_id=config.telegram_chat_id,
            )
        )
    if config.email:
        smtp = settings.smtp
        channels.append(
            EmailChannel(
                smtp.host,
                smtp.port,
                smtp.sender,
                smtp.recipients,
                username=smtp.username,
                password=smtp.password.get_secret_value() if smtp.password else None,
                starttls=smtp.starttls,
            )
        )
    return channels
