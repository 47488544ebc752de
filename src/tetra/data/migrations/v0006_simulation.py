"""Migration 6: the `simulation` schema, where simulator runs are kept.

A schema of its own rather than `strategies`: a Monte Carlo run has thousands of paths and
no trades or single equity curve, a stress run has rows per scenario and holding, and a
calibration has parameters; none of them fit `strategies.runs`/`performance` without
overloading their meaning. Like `strategies`, it is private to the chat by default: the
chat's read-only role gets SELECT on it (PostgreSQL), and only the local model may see it.
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

RUNS = Table(
    "simulation",
    "runs",
    (
        key_col("run_id", T.TEXT),
        col(
            "kind", T.TEXT, null=False, doc="calibrate, montecarlo, stress, bootstrap or reshuffle."
        ),
        col("status", T.TEXT, null=False, doc="running, done or failed."),
        col("subject", T.TEXT, doc="The strategy (with its parameters) or the portfolio."),
        col("model", T.TEXT, doc="Market model: gbm, merton, garch, bootstrap, regime."),
        col("executor", T.TEXT, doc="Where the paths ran: local pool or Ray."),
        col(
            "spec", T.JSON, doc="Everything needed to rerun: symbols, window, seed, paths, shocks."
        ),
        col("summary", T.JSON, doc="Headline numbers: distributions, probabilities."),
        col("warnings", T.JSON),
        col("error", T.TEXT),
        col("started_at", T.TIMESTAMP, null=False),
        col("finished_at", T.TIMESTAMP),
        key_col("source", T.TEXT),
    ),
    key=("run_id",),
    time_column="started_at",
    description="One row per simulator run.",
)

PARAMETERS = Table(
    "simulation",
    "parameters",
    (
        key_col("run_id", T.TEXT),
        key_col("symbol", T.TEXT, "A symbol, or '*' for the whole panel."),
        key_col("parameter", T.TEXT),
        col("value", T.DOUBLE),
        key_col("source", T.TEXT),
    ),
    key=("run_id", "symbol", "parameter"),
    description="Fitted parameters of a run's market model.",
)

OUTCOMES = Table(
    "simulation",
    "outcomes",
    (
        key_col("run_id", T.TEXT),
        key_col("path", T.BIGINT),
        col("total_return", T.DOUBLE),
        col("cagr", T.DOUBLE),
        col("sharpe_ratio", T.DOUBLE),
        col("max_drawdown", T.DOUBLE),
        col("time_under_water", T.DOUBLE),
        col("fills", T.BIGINT),
        key_col("source", T.TEXT),
    ),
    key=("run_id", "path"),
    description="Per-path metrics of a Monte Carlo run (the histogram's data).",
)

BANDS = Table(
    "simulation",
    "bands",
    (
        key_col("run_id", T.TEXT),
        key_col("step", T.BIGINT, "Bar number from the start (0 = before the first bar)."),
        col("ts", T.TIMESTAMP, null=False),
        col("p5", T.DOUBLE),
        col("p25", T.DOUBLE),
        col("p50", T.DOUBLE),
        col("p75", T.DOUBLE),
        col("p95", T.DOUBLE),
        key_col("source", T.TEXT),
    ),
    key=("run_id", "step"),
    time_column="ts",
    description="Percentiles of equity (1 = start) across paths: the fan chart.",
)

SCENARIOS = Table(
    "simulation",
    "scenario_results",
    (
        key_col("run_id", T.TEXT),
        key_col("scenario", T.TEXT),
        key_col("symbol", T.TEXT, "A holding, or '*' for the whole portfolio or strategy."),
        col("method", T.TEXT, null=False, doc="replay or factor."),
        col("why", T.TEXT),
        col("weight", T.DOUBLE),
        col("scenario_return", T.DOUBLE),
        col("pnl", T.DOUBLE),
        col("max_drawdown", T.DOUBLE),
        col("proxy_drawdown", T.DOUBLE),
        col("betas", T.JSON),
        key_col("source", T.TEXT),
    ),
    key=("run_id", "scenario", "symbol"),
    description="Loss per scenario, per holding and in total.",
)

TABLES = (RUNS, PARAMETERS, OUTCOMES, BANDS, SCENARIOS)

MIGRATION = Migration(
    6,
    "simulation schema",
    (
        *(CreateTable(t) for t in TABLES),
        CreateReadOnlyRole(CHAT_ROLE, tuple(t.qualified_name for t in TABLES)),
    ),
)
