"""Reddit's endpoints, limits and the subreddits Tetra reads.

Facts (Reddit's OAuth2 and Data API documentation):
- an app (type "script" or "web") has a client id and secret; the application-only grant is
  ``POST https://www.reddit.com/api/v1/access_token`` with HTTP basic auth and
  ``grant_type=client_credentials``, answering ``{"access_token", "token_type": "bearer",
  "expires_in": 86400, "scope": "*"}``;
- requests then go to ``https://oauth.reddit.com`` with ``Authorization: bearer TOKEN`` and a
  unique, descriptive User-Agent (``<platform>:<app id>:<version> (by /u/<user>)``);
- listings (``/r/{sub}/new``) return at most 100 items a page (``limit``), paged with
  ``after`` = the last item's fullname, about 1,000 items deep;
- free access allows 100 queries a minute per client id; every answer carries
  ``X-Ratelimit-Used``, ``X-Ratelimit-Remaining`` and ``X-Ratelimit-Reset`` (seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from tetra.settings import Settings

SOURCE = "reddit"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
API_URL = "https://oauth.reddit.com"
REQUESTS_PER_MINUTE = 100
PAGE_LIMIT = 100
FINANCE_SUBREDDITS = ("stocks", "investing", "wallstreetbets", "StockMarket", "CryptoCurrency")


@dataclass(frozen=True, slots=True)
class RedditConfig:
    """An OAuth app's credentials and what to read; without them the source is off."""

    client_id: str | None = None
    client_secret: SecretStr | None = None
    user_agent: str = "python:tetra:0.1 (self-hosted research platform)"
    subreddits: tuple[str, ...] = FINANCE_SUBREDDITS
    token_url: str = TOKEN_URL
    api_url: str = API_URL
    requests_per_minute: float = REQUESTS_PER_MINUTE
    max_pages: int = 10
    timeout: float = 15.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RedditConfig:
        r = settings.reddit
        return cls(
            client_id=r.client_id,
            client_secret=r.client_secret,
            user_agent=r.user_agent,
            subreddits=tuple(r.subreddits),
        )

    @property
    def keyed(self) -> bool:
        secret = self.client_secret.get_secret_value() if self.client_secret else ""
        return bool(self.client_id) and bool(secret)
