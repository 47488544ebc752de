"""A question as the offline translator reads it: lower-case text and the entities in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from tetra.chat.offline.parse import Group, Period
from tetra.chat.translation import TranslationFailed

__all__ = ["Question", "keywords", "refuse"]


def keywords(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` to match from a word boundary."""
    return re.compile(rf"\b(?:{pattern})")


@dataclass(frozen=True, slots=True)
class Question:
    """A question in lower case with the entities found in it.

    `followed` holds the earlier question a follow-up ("and for QQQ?") was merged into.
    """

    text: str
    symbols: tuple[str, ...]
    series: tuple[str, ...]
    period: Period | None
    count: int | None
    group: Group | None
    theme: str | None = None
    followed: str | None = None

    def has(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.text) is not None


def refuse(reason: str, suggestion: str) -> NoReturn:
    """Refuse a question of a known family with the closest phrasing that works."""
    raise TranslationFailed(
        f'Offline translator: {reason} Try, for example: "{suggestion}"',
        details={"suggestion": suggestion},
    )
