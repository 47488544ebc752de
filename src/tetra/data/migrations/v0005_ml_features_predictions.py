"""Migration 5: versioned feature sets, their values, and model predictions (`derived`)."""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

FEATURE_SETS = Table(
    "derived",
    "feature_sets",
    (
        key_col("feature_set", T.TEXT, "Feature set name, e.g. price_volume."),
        key_col("version", T.BIGINT, "Version number; a new definition takes a new number."),
        col("fingerprint", T.TEXT, null=False, doc="Hash of the definition; runs record it."),
        col("definition", T.JSON, null=False, doc="Features with their kinds and parameters."),
        col("description", T.TEXT),
        col("created_at", T.TIMESTAMP, null=False),
        key_col("source", T.TEXT),
    ),
    key=("feature_set", "version", "source"),
    description="Declared feature sets and versions whose values derived.features holds.",
)

FEATURES = Table(
    "derived",
    "features",
    (
        key_col("feature_set", T.TEXT),
        key_col("version", T.BIGINT),
        key_col("symbol", T.TEXT),
        key_col("date", T.DATE, "Decision day: the value uses only data known at its close."),
        key_col("feature", T.TEXT, "Feature name, e.g. ret_21, rank_ret_126, vix."),
        col("value", T.DOUBLE, null=False),
        key_col("source", T.TEXT),
    ),
    key=("feature_set", "version", "symbol", "date", "feature", "source"),
    time_column="date",
    description="Point-in-time feature values, one row per set version, symbol, day, feature; "
    "missing values are absent rows.",
)

PREDICTIONS = Table(
    "derived",
    "predictions",
    (
        key_col("model", T.TEXT, "Registered model name."),
        key_col("model_version", T.BIGINT),
        key_col("symbol", T.TEXT),
        key_col("date", T.DATE, "Decision day: the score was made at its close."),
        col("score", T.DOUBLE, null=False, doc="Higher means a better expected return."),
        col("rank", T.DOUBLE, doc="Percentile rank of the score among the day's symbols."),
        col("horizon", T.BIGINT, doc="Days ahead the model predicts."),
        col("feature_sets", T.JSON, doc="Feature set versions and fingerprints it used."),
        col("created_at", T.TIMESTAMP, null=False),
        key_col("source", T.TEXT),
    ),
    key=("model", "model_version", "symbol", "date", "source"),
    time_column="date",
    description="Dated model predictions written by `tetra ml predict`.",
)

MIGRATION = Migration(
    5,
    "ml features and predictions",
    (
        CreateTable(FEATURE_SETS),
        CreateTable(FEATURES),
        CreateTable(PREDICTIONS),
        CreateReadOnlyRole(
            CHAT_ROLE, ("derived.feature_sets", "derived.features", "derived.predictions")
        ),
    ),
)
