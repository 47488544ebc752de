"""Reddit's official API (OAuth, application-only): posts of finance subreddits as social news."""

from tetra.adapters.sources.reddit.config import RedditConfig
from tetra.adapters.sources.reddit.data import RedditSource

__all__ = ["RedditConfig", "RedditSource"]
