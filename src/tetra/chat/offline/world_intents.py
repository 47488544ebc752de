"""Question families over the world data: the geopolitical index and events, social mentions."""

from __future__ import annotations

from tetra.chat.offline import series_sql as series
from tetra.chat.offline.parse import Period
from tetra.chat.offline.question import DEFAULT_COUNT, Question, keywords, refuse
from tetra.chat.offline.sql import Built

_GEOPOLITICS = keywords(r"geopolitic\w*|conflicts?\b|escalat\w*|gdelt")
_EVENT_LIST = keywords(r"events?\b|incidents?|what happened|headlines?")
_SOCIAL = keywords(r"social|reddit|posts?\b|mentions?\b|chatter|buzz")
_POSTS = keywords(r"social|reddit|posts?\b|chatter|buzz")
_NEWS = keywords(r"news|headlines?|articles?|stories|press")
LAST_MONTH = Period("trailing", amount=1, unit="MONTH")


def geopolitics(q: Question) -> Built | None:
    if q.symbols or q.series or not q.has(_GEOPOLITICS):
        return None
    period = q.period or LAST_MONTH
    if q.has(_EVENT_LIST):
        return series.geopolitical_events(period, DEFAULT_COUNT)
    return series.geopolitical_index(period)


def social(q: Question) -> Built | None:
    if q.series or not q.has(_SOCIAL) or q.has(_GEOPOLITICS):
        return None
    if q.has(_NEWS) and not q.has(_POSTS):  # "news articles mentioning NVDA" is news
        return None
    if not (q.symbols or q.group or q.theme):
        refuse(
            "it reads social mentions of named symbols or groups.",
            "How many social mentions did NVDA have last month?",
        )
    return series.social_mentions(q.selection(), q.period or LAST_MONTH)
