"""Reading calendar questions: earnings reports and economic events, listed, counted, last, next.

`calendar` returns the query, None for another family, or refuses what it does not compute
(earnings beats, surprises, guidance, transcripts, consensus revisions) rather than answer
with the reports themselves.
"""

from __future__ import annotations

import re

from tetra.chat.offline import event_sql as build
from tetra.chat.offline.parse import ALL_TIME
from tetra.chat.offline.question import Question, keywords, refuse
from tetra.chat.offline.sql import Built

__all__ = ["calendar"]

_EARNINGS = keywords(
    r"earnings|eps\b|quarterly (?:results|reports?)|"
    r"report(?:s|ed|ing)? (?:its |their )?(?:earnings|results|numbers|q[1-4])|"
    r"when (?:does|do|did|will) \S+ (?:last |next |first )?report\b|next report"
)
_EVENTS = {
    "FOMC rate decision": keywords(
        r"fomc|fed (?:rate )?(?:decisions?|meetings?|announcements?)|rate decisions?|"
        r"federal reserve (?:meetings?|decisions?)|fed (?:policy )?meetings?"
    ),
    "CPI": keywords(
        r"cpi (?:releases?|reports?|prints?|announcements?|days?|dates?)|"
        r"inflation (?:releases?|reports?|prints?)|consumer price index (?:releases?|reports?)"
    ),
    "GDP": keywords(r"gdp (?:releases?|reports?|prints?|announcements?|dates?)"),
}
_CALENDAR = keywords(
    r"economic (?:calendar|events?|releases?|announcements?)|macro (?:calendar|events?)|"
    r"events? calendar"
)
_COUNT = keywords(r"how many|number of|count")
_NEXT = keywords(r"next|upcoming|coming|scheduled|future|when (?:is|are|does|do|will)")
_LAST = keywords(r"last|latest|most recent|previous|recent|when (?:was|were|did)")
_UNSUPPORTED = keywords(
    r"beat|miss(?:ed)?\b|surprise|guidance|transcript|revision|consensus|whisper|react|move|"
    r"returns?\b|jump|fell|rose|ris[ei]|drop|volatil|revenue|sales|growth|year[- ]over[- ]year|yoy|"
    r"change|how much|differen|increase|decrease|up\b|down\b|ratio|percent|%|rsi\b|ema\b|macd|"
    r"bollinger|moving average|price|close\b|closing|"
    r"average|highest|lowest|best|worst|forecast|expected|estimate[sd]? (?:for|of) next"
)
_IMPORTANCE = re.compile(r"\b(high|medium|low)[- ](?:importance|impact)\b")
_SUGGESTION = {
    "earnings": "When did AAPL last report earnings?",
    "events": "When was the last FOMC rate decision?",
}


def calendar(q: Question) -> Built | None:
    """Return the query of an earnings or economic-calendar question, or None."""
    events = [name for name, word in _EVENTS.items() if q.has(word)]
    earnings = q.has(_EARNINGS)
    if not (earnings or events or q.has(_CALENDAR)):
        return None
    kind = "earnings" if earnings else "events"
    if earnings and (events or q.has(_CALENDAR)):
        refuse("it reads earnings and economic events apart.", _SUGGESTION[kind])
    if found := _UNSUPPORTED.search(q.text):
        refuse(
            f"it lists stored {kind} (dates and values); it does not compute {found[0]!r}.",
            _SUGGESTION[kind],
        )
    summary = _summary(q, kind)
    period = q.period or ALL_TIME
    if summary in ("last", "next") and q.period is not None:
        refuse(f"it gives the {summary} {kind} as of the store's latest bar.", _SUGGESTION[kind])
    if kind == "events":
        return _economic(q, events, summary)
    selection = q.selection()
    if selection.is_everything and summary != "list":
        refuse("it needs the symbols whose earnings to count or find.", _SUGGESTION[kind])
    if selection.is_everything and q.period is None:
        refuse("it lists the earnings of all symbols within a period.", _SUGGESTION[kind])
    return build.earnings(selection, period, summary)


def _summary(q: Question, kind: str) -> str:
    if q.has(_COUNT):
        return "count"
    after, before = q.has(_NEXT), q.has(_LAST)
    if after and before:
        refuse("it cannot tell the last from the next.", _SUGGESTION[kind])
    return "next" if after else "last" if before else "list"


def _economic(q: Question, events: list[str], summary: str) -> Built:
    if q.symbols:
        refuse("economic events are not per symbol.", _SUGGESTION["events"])
    importance = _IMPORTANCE.search(q.text)
    if not events and summary in ("list", "count") and q.period is None:
        refuse("it lists the economic calendar within a period.", "Economic events in 2025-11")
    return build.economic_events(
        events, q.period or ALL_TIME, summary, importance=importance[1] if importance else None
    )
