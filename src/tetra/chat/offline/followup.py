"""Follow-up questions: "and for QQQ?", "what about the themed ETFs?", "now over 5 years".

A follow-up opens with a cue ("and", "what about", "same for", "now"...), is short, and names
no measure of its own. `merge` keeps the earlier question's measure and replaces what the
follow-up names: symbols (or a group or theme in their place), the period, the count.
"""

from __future__ import annotations

import re
from dataclasses import replace

from tetra.chat.offline.question import Question, keywords

__all__ = ["is_follow_up", "merge"]

_CUE = re.compile(
    r"^(?:and|what about|how about|same (?:thing |question )?(?:for|with|over)|now|then|"
    r"also|ok(?:ay)?,?|and now|repeat (?:it |that )?for|do the same for|now do)\b"
)
_MEASURE = keywords(
    r"returns?|price|close|volume|volatil|drawdown|correlat|beta\b|moving average|sma\b|ema\b|"
    r"rsi\b|macd|bollinger|"
    r"dividend|split|news|sentiment|headline|best|worst|biggest|largest|highest|lowest|"
    r"how many|which|list|coverage|spread"
)
_MAX_WORDS = 9


def is_follow_up(question: Question) -> bool:
    """Tell whether a question continues the previous one rather than standing alone."""
    return (
        _CUE.match(question.text) is not None
        and len(question.text.split()) <= _MAX_WORDS
        and not question.has(_MEASURE)
        and bool(question.symbols or question.period or question.group or question.theme
                 or question.count or question.series)
    )  # fmt: skip


def merge(earlier: Question, follow_up: Question) -> Question:
    """Return the earlier question with what the follow-up names put in its place."""
    names_members = bool(follow_up.symbols or follow_up.group or follow_up.theme)
    return replace(
        earlier,
        symbols=follow_up.symbols if names_members else earlier.symbols,
        group=follow_up.group if names_members else earlier.group,
        theme=follow_up.theme if names_members else earlier.theme,
        series=follow_up.series or earlier.series,
        period=follow_up.period or earlier.period,
        count=follow_up.count or earlier.count,
        followed=earlier.followed or earlier.text,
    )
