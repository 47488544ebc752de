"""Migration 12: geopolitical events, their daily index, social mentions and crypto membership.

- ``events.geopolitical``: GDELT 2.0 events that matter to markets (filtered at the source by
  CAMEO root code and mentions); ``added_at`` (GDELT's DATEADDED) is when the event became
  known, the time column a point-in-time reader filters on.
- ``derived.geopolitical_daily``: a country-by-day index folded from the stored events by
  the day they were added (``tetra.data.geopolitics``), one row per country and a world row
  ``'*'``. The Caldara-Iacoviello GPR series go to ``economic_data.indicators`` with vintages,
  like any macro series.
- ``derived.social_daily``: posts mentioning a symbol per day (social sources store their posts
  in ``news.articles`` with their scores in ``news.sentiment``, like news).
- ``market_data.universe_membership``: who was in a universe group when, so a backtest can use
  the crypto top ten as it stood on each day rather than today's list.
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType


def _source() -> tuple[str, ColumnType, str]:
    return ("source", T.TEXT, "Where the row came from: a vendor, 'sample', or 'tetra'.")


GEOPOLITICAL = Table(
    "events",
    "geopolitical",
    (
        key_col("event_id", T.TEXT, "GDELT GLOBALEVENTID."),
        col("event_date", T.DATE, null=False, doc="Day the event took place (SQLDATE)."),
        col("added_at", T.TIMESTAMP, null=False, doc="When GDELT published it (DATEADDED), UTC."),
        col("event_code", T.TEXT, null=False, doc="CAMEO event code, e.g. 190."),
        col("base_code", T.TEXT, doc="CAMEO base code (first three digits)."),
        col("root_code", T.TEXT, null=False, doc="CAMEO root code, 01 to 20."),
        col(
            "quad_class",
            T.BIGINT,
            null=False,
            doc="1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict.",
        ),
        col("goldstein", T.DOUBLE, doc="Goldstein scale, -10 (most destabilising) to +10."),
        col("num_mentions", T.BIGINT, null=False),
        col("num_sources", T.BIGINT),
        col("num_articles", T.BIGINT),
        col("avg_tone", T.DOUBLE, doc="Average tone of the documents, about -100 to +100."),
        col("actor1_name", T.TEXT),
        col("actor1_country", T.TEXT, doc="CAMEO country code of actor 1 (ISO-3 like)."),
        col("actor2_name", T.TEXT),
        col("actor2_country", T.TEXT),
        col("country", T.TEXT, doc="Where it happened: FIPS 10-4 code (ActionGeo_CountryCode)."),
        col("place", T.TEXT, doc="ActionGeo_FullName."),
        col("latitude", T.DOUBLE),
        col("longitude", T.DOUBLE),
        col("source_url", T.TEXT),
        key_col(*_source()),
    ),
    key=("event_id", "source"),
    time_column="added_at",
    description="Market-relevant geopolitical events from GDELT 2.0 (conflict root codes).",
)

GEOPOLITICAL_DAILY = Table(
    "derived",
    "geopolitical_daily",
    (
        key_col("country", T.TEXT, "FIPS 10-4 country code, or '*' for the world."),
        key_col("date", T.DATE, "Day the events were published (UTC)."),
        col("events", T.BIGINT, null=False),
        col("conflict_events", T.BIGINT, null=False, doc="QuadClass 3 or 4."),
        col(
            "conflict_intensity",
            T.DOUBLE,
            null=False,
            doc="Mentions of conflict events; material conflict counts double.",
        ),
        col("mentions", T.BIGINT, null=False),
        col("goldstein", T.DOUBLE, doc="Mention-weighted mean Goldstein scale."),
        col("tone", T.DOUBLE, doc="Mention-weighted mean tone."),
        key_col(*_source()),
    ),
    key=("country", "date", "source"),
    time_column="date",
    description="Daily geopolitical index per country, folded from events.geopolitical.",
)

SOCIAL_DAILY = Table(
    "derived",
    "social_daily",
    (
        key_col("symbol", T.TEXT),
        key_col("date", T.DATE, "Day the posts were published (UTC)."),
        col("mentions", T.BIGINT, null=False, doc="Distinct posts naming the symbol."),
        col("authors", T.BIGINT, doc="Distinct authors among them."),
        col("score", T.DOUBLE, doc="Mean sentiment score of the posts, -1 to 1."),
        col("method", T.TEXT, doc="Sentiment method the score comes from."),
        key_col(*_source()),
    ),
    key=("symbol", "date", "source"),
    time_column="date",
    description="Social-media attention and mood per symbol and day.",
)

MEMBERSHIP = Table(
    "market_data",
    "universe_membership",
    (
        key_col("universe_group", T.TEXT, "e.g. crypto."),
        key_col("symbol", T.TEXT),
        key_col("valid_from", T.DATE, "First day in the group."),
        col("valid_to", T.DATE, doc="Last day in the group; null while it is still in."),
        col("rank", T.BIGINT, doc="Market-cap rank when it joined."),
        col("reason", T.TEXT),
        key_col(*_source()),
    ),
    key=("universe_group", "symbol", "valid_from", "source"),
    time_column="valid_from",
    description="Membership history of universe groups (point-in-time universe).",
)

TABLES = (GEOPOLITICAL, GEOPOLITICAL_DAILY, SOCIAL_DAILY, MEMBERSHIP)

# Public data like the rest of their schemas: the chat's read-only role may read them.
MIGRATION = Migration(
    12,
    "geopolitical events, social mentions and universe membership",
    (
        *(CreateTable(t) for t in TABLES),
        CreateReadOnlyRole(CHAT_ROLE, tuple(t.qualified_name for t in TABLES)),
    ),
)
