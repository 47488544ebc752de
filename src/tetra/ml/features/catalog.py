"""Tetra's declared feature sets. Change a set's features only with a new version number."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tetra.ml.features.spec import FeatureSet
from tetra.ml.features.spec import FeatureSpec as F

PRICE_VOLUME = FeatureSet(
    "price_volume",
    1,
    (
        F.of("ret_1", "return", window=1),
        F.of("ret_5", "return", window=5),
        F.of("ret_21", "return", window=21),
        F.of("ret_63", "return", window=63),
        F.of("ret_126", "return", window=126),
        F.of("ret_252", "return", window=252),
        F.of("mom_12_1", "return", window=231, skip=21),
        F.of("vol_21", "volatility", window=21),
        F.of("vol_63", "volatility", window=63),
        F.of("rsi_14", "rsi", period=14),
        F.of("macd_hist", "macd_histogram", fast=12, slow=26, signal=9),
        F.of("dist_sma_20", "sma_distance", window=20),
        F.of("dist_sma_50", "sma_distance", window=50),
        F.of("dist_sma_200", "sma_distance", window=200),
        F.of("volume_z_20", "volume_zscore", window=20),
        F.of("atr_ratio_14", "atr_ratio", period=14),
    ),
    "Returns over several horizons, volatility, RSI, MACD, moving-average distances, "
    "traded-value z-score and ATR, from the indicator library on forward-adjusted prices.",
)

CROSS_SECTION = FeatureSet(
    "cross_section",
    1,
    (
        F.of("rank_ret_21", "rank", of="ret_21"),
        F.of("rank_ret_126", "rank", of="ret_126"),
        F.of("rank_mom_12_1", "rank", of="mom_12_1"),
        F.of("rank_vol_63", "rank", of="vol_63"),
        F.of("group_rank_ret_21", "group_rank", of="ret_21"),
        F.of("group_rank_ret_126", "group_rank", of="ret_126"),
        F.of("group_rank_mom_12_1", "group_rank", of="mom_12_1"),
    ),
    "Percentile ranks of price features within the universe and within each universe group.",
    needs=("ret_21", "ret_126", "mom_12_1", "vol_63"),
)

MACRO = FeatureSet(
    "macro",
    1,
    (
        F.of("dgs10", "macro_level", series="DGS10"),
        F.of("dgs10_chg_21", "macro_change", series="DGS10", lag=21),
        F.of("t10y2y", "macro_level", series="T10Y2Y"),
        F.of("vix", "macro_level", series="VIXCLS"),
        F.of("vix_chg_21", "macro_change", series="VIXCLS", lag=21),
        F.of("fedfunds", "macro_level", series="FEDFUNDS"),
        F.of("cpi_yoy", "macro_growth", series="CPIAUCSL", lag=12),
        F.of("unrate", "macro_level", series="UNRATE"),
        F.of("unrate_chg_3", "macro_change", series="UNRATE", lag=3),
        F.of("gdp_yoy", "macro_growth", series="GDP", lag=4),
    ),
    "FRED series as known on each day through their vintages: levels and changes.",
)

NEWS = FeatureSet(
    "news",
    1,
    (
        F.of("news_sent_1", "news_sentiment", sessions=1),
        F.of("news_sent_5", "news_sentiment", sessions=5),
        F.of("news_sent_21", "news_sentiment", sessions=21),
        F.of("news_count_5", "news_count", sessions=5),
        F.of("news_count_21", "news_count", sessions=21),
    ),
    "Per-symbol news sentiment (finance lexicon) from articles published before the close.",
)

EVENTS = FeatureSet(
    "events",
    1,
    (
        F.of("days_to_earnings", "days_to_earnings"),
        F.of("days_since_earnings", "days_since_earnings"),
        F.of("days_since_split", "days_since_action", action="split"),
        F.of("days_since_dividend", "days_since_action", action="dividend"),
    ),
    "Days to the next announced earnings report; days since earnings, splits and dividends.",
)

GEOPOLITICS = FeatureSet(
    "geopolitics",
    1,
    (
        F.of("gprd", "macro_level", series="GPRD"),
        F.of("gprd_chg_5", "macro_change", series="GPRD", lag=5),
        F.of("gprd_chg_21", "macro_change", series="GPRD", lag=21),
        F.of("gprd_act", "macro_level", series="GPRD_ACT"),
        F.of("gprd_threat", "macro_level", series="GPRD_THREAT"),
    ),
    "The Caldara-Iacoviello geopolitical risk index and its acts/threats parts, as known on "
    "each day through the vintages the geopolitical step records (pipeline step geopolitical).",
)

SOCIAL = FeatureSet(
    "social",
    1,
    (
        F.of("social_mentions_1", "social_mentions", sessions=1),
        F.of("social_mentions_5", "social_mentions", sessions=5),
        F.of("social_authors_5", "social_authors", sessions=5),
        F.of("social_score_5", "social_score", sessions=5),
        F.of("social_score_21", "social_score", sessions=21),
        F.of("social_mentions_chg_5", "social_mentions_change", sessions=5, lag=5),
        F.of("social_score_chg_5", "social_score_change", sessions=5, lag=5),
    ),
    "Per-symbol social attention (posts, authors) and mood (mention-weighted VADER score), "
    "and their 5-day changes, from derived.social_daily days over before the close "
    "(pipeline step social_sentiment).",
)

GDELT = FeatureSet(
    "gdelt",
    1,
    (
        F.of("gdelt_conflict_1", "gdelt_mean", column="conflict_intensity", country="*", days=1),
        F.of("gdelt_conflict_7", "gdelt_mean", column="conflict_intensity", country="*", days=7),
        F.of(
            "gdelt_conflict_z_90",
            "gdelt_zscore",
            column="conflict_intensity",
            country="*",
            days=1,
            baseline=90,
        ),
        F.of("gdelt_goldstein_7", "gdelt_mean", column="goldstein", country="*", days=7),
        F.of("gdelt_tone_7", "gdelt_mean", column="tone", country="*", days=7),
        F.of(
            "gdelt_us_conflict_7", "gdelt_mean", column="conflict_intensity", country="US", days=7
        ),
        F.of(
            "gdelt_us_conflict_z_90",
            "gdelt_zscore",
            column="conflict_intensity",
            country="US",
            days=7,
            baseline=90,
        ),
    ),
    "The GDELT daily index of the world and of the United States (conflict intensity, its "
    "spike against the 90 days before, Goldstein scale, tone), from UTC days over before the "
    "close (pipeline step geopolitical).",
)

FEATURE_SETS: Mapping[str, FeatureSet] = MappingProxyType(
    {
        s.name: s
        for s in (PRICE_VOLUME, CROSS_SECTION, MACRO, NEWS, EVENTS, GEOPOLITICS, SOCIAL, GDELT)
    }
)
BAR_SETS = ("price_volume", "cross_section", "events")  # computable from bars alone
OPT_IN_SETS = ("geopolitics", "social", "gdelt")  # not in `tetra ml train`'s default sets
