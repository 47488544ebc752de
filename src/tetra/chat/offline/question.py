"""A question as the offline translator reads it: lower-case text and the entities in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from tetra.chat.offline.families import Selection
from tetra.chat.offline.parse import Group, Period
from tetra.chat.translation import TranslationFailed

__all__ = ["Question", "keywords", "refuse"]


def keywords(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` to match from a word boundary."""
    return re.compile(rf"\b(?:{pattern})")


DEFAULT_COUNT = 10  # rows a ranking returns when the question names no count
# "which single stock ..." / "which of these was ...": the question wants one row
_SINGULAR = re.compile(
    r"\bwhich of (?:the|these|those)\b.{0,40}\b(?:is|was|has|had)\b|"
    r"\b(?:which|what)\s+(?:single\s+)?(?:stock|etf|coin|crypto(?:currency)?|symbol|asset|fund|"
    r"company|token|one)\b(?!s)"
)


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

    def ranked_count(self) -> int:
        """Rows of a ranking: the count asked for, one for a singular question, else ten."""
        return self.count or (1 if _SINGULAR.search(self.text) else DEFAULT_COUNT)

    def selection(self) -> Selection:
        """The symbols asked about: the named ones, else the group or theme, else all."""
        named = bool(self.symbols)
        return Selection(self.symbols, None if named else self.group, None if named else self.theme)


def refuse(reason: str, suggestion: str) -> NoReturn:
    """Refuse a question of a known family with the closest phrasing that works."""
    raise TranslationFailed(
        f'Offline translator: {reason} Try, for example: "{suggestion}"',
        details={"suggestion": suggestion},
    )
