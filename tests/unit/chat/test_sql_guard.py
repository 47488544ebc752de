"""The SQL guard admits one read-only SELECT over allowed tables and rejects everything else."""

from __future__ import annotations

import logging

import pytest

from tetra.chat.guard import MAX_ROWS, Dialect, SqlRejected, check_sql
from tetra.core.errors import TetraError
from tetra.data.migrations import catalog

ALLOWED = frozenset(catalog())
DIALECTS: list[Dialect] = ["duckdb", "postgres"]

HOSTILE = [
    # Empty or not a statement.
    "",
    "   \n\t  ",
    "-- only a comment",
    "/* only a block comment */",
    ";",
    "SELEC * FROM market_data.ohlcv",
    # Data changes and DDL.
    "INSERT INTO market_data.ohlcv SELECT * FROM market_data.ohlcv",
    "UPDATE market_data.ohlcv SET close = 0",
    "DELETE FROM market_data.ohlcv",
    "MERGE INTO market_data.ohlcv t USING market_data.ohlcv s ON t.symbol = s.symbol "
    "WHEN MATCHED THEN DELETE",
    "CREATE TABLE market_data.evil (a INT)",
    "CREATE TABLE market_data.evil AS SELECT * FROM market_data.ohlcv",
    "DROP TABLE market_data.ohlcv",
    "ALTER TABLE market_data.ohlcv ADD COLUMN x INT",
    "TRUNCATE market_data.ohlcv",
    "CREATE VIEW market_data.v AS SELECT 1",
    "GRANT ALL ON market_data.ohlcv TO PUBLIC",
    # Multiple statements, including ones hidden behind comments.
    "SELECT 1; SELECT 2",
    "SELECT * FROM market_data.ohlcv; DROP TABLE market_data.ohlcv",
    "SELECT * FROM market_data.ohlcv -- harmless\n; DELETE FROM market_data.ohlcv",
    "SELECT * FROM market_data.ohlcv /* ; */ ; DELETE FROM market_data.ohlcv",
    "/* x */ DELETE FROM market_data.ohlcv",
    # Sleeps and server functions.
    "SELECT pg_sleep(10)",
    "SELECT PG_SLEEP(10)",
    'SELECT "pg_sleep"(10)',
    "SELECT pg_sleep_for('10 seconds')",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_read_binary_file('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
    "SELECT pg_stat_file('/etc/passwd')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT lo_export(1, '/tmp/x')",
    "SELECT dblink('host=evil', 'SELECT 1')",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SELECT pg_terminate_backend(1)",
    "SELECT pg_cancel_backend(1)",
    "SELECT pg_reload_conf()",
    "SELECT nextval('some_sequence')",
    "SELECT query_to_xml('DELETE FROM market_data.ohlcv', true, true, '')",
    # Files, environment and dynamic SQL on DuckDB.
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "SELECT * FROM read_json_auto('/tmp/x.json')",
    "SELECT read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM glob('*')",
    "SELECT getenv('HOME')",
    "SELECT * FROM query('DELETE FROM market_data.ohlcv')",
    "SELECT * FROM query_table('market_data.ohlcv')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM 'file.csv'",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM range(10)",
    # Session, extensions and utility statements.
    "ATTACH 'evil.duckdb' AS evil",
    "DETACH evil",
    "INSTALL httpfs",
    "LOAD httpfs",
    "COPY market_data.ohlcv TO '/tmp/out.csv'",
    "COPY (SELECT 1) TO '/tmp/out.csv'",
    "PRAGMA database_list",
    "SET enable_external_access = true",
    "SET statement_timeout = 0",
    "RESET statement_timeout",
    "CALL pragma_version()",
    "EXPLAIN ANALYZE SELECT * FROM market_data.ohlcv",
    "EXPLAIN SELECT * FROM market_data.ohlcv",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "VACUUM",
    "CHECKPOINT",
    "SHOW TABLES",
    "DESCRIBE market_data.ohlcv",
    "USE market_data",
    # Writing or locking SELECTs.
    "SELECT * INTO market_data.copy FROM market_data.ohlcv",
    "SELECT * FROM market_data.ohlcv FOR UPDATE",
    "SELECT * FROM market_data.ohlcv FOR SHARE",
    "WITH x AS (DELETE FROM market_data.ohlcv RETURNING *) SELECT * FROM x",
    "WITH x AS (INSERT INTO market_data.ohlcv SELECT * FROM market_data.ohlcv RETURNING *) "
    "SELECT * FROM x",
    # Tables not qualified or not allowed, anywhere in the tree.
    "SELECT * FROM ohlcv",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM pg_catalog.pg_shadow",
    "SELECT * FROM pg_shadow",
    "SELECT * FROM pg_catalog.pg_authid",
    "SELECT * FROM main.secrets",
    "SELECT * FROM otherdb.market_data.ohlcv",
    "SELECT * FROM market_data.ohlcv WHERE symbol IN (SELECT usename FROM pg_catalog.pg_user)",
    "SELECT * FROM (SELECT * FROM (SELECT * FROM information_schema.columns) a) b",
    "SELECT symbol FROM market_data.ohlcv UNION SELECT pg_sleep(1)::text",
    "SELECT symbol FROM market_data.ohlcv UNION ALL "
    "SELECT table_name FROM information_schema.tables",
    "SELECT (SELECT max(passwd) FROM pg_catalog.pg_shadow) FROM market_data.ohlcv",
    "WITH a AS (SELECT * FROM pg_user), pg_user AS (SELECT 1 AS x) SELECT * FROM a",
    "SELECT * FROM (WITH pg_user AS (SELECT 1 AS x) SELECT * FROM pg_user) s, pg_user",
    "WITH x AS (SELECT * FROM information_schema.tables) SELECT * FROM x",
    "SELECT * FROM market_data.ohlcv o JOIN read_csv('/etc/passwd') p ON true",
    # Unicode and whitespace tricks.
    "SELECT\u00a0pg_sleep(10)",
    "SELECT\tpg_sleep\n(10)",
    "SELECT 1;\u200bDELETE FROM market_data.ohlcv",
    "SELECT 1\x00; DELETE FROM market_data.ohlcv",
    'SELECT * FROM "PG_CATALOG"."PG_SHADOW"',
    "SELECT * FROM Information_Schema.Tables",
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sql", HOSTILE)
def test_hostile_sql_is_rejected(sql: str, dialect: Dialect) -> None:
    with pytest.raises(SqlRejected) as rejected:
        check_sql(sql, dialect=dialect, allowed_tables=ALLOWED)

    assert rejected.value.reason


def test_there_are_at_least_fifty_hostile_cases() -> None:
    assert len(HOSTILE) >= 50


def test_a_rejection_is_a_tetra_error_logged_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="tetra.chat.guard"),
        pytest.raises(TetraError, match="not allowed"),
    ):
        check_sql("SELECT pg_sleep(1)", dialect="postgres", allowed_tables=ALLOWED)

    assert caplog.records[-1].levelno == logging.WARNING
    assert "pg_sleep" in caplog.records[-1].getMessage()


def test_a_huge_rejected_query_is_not_logged_in_full(caplog: pytest.LogCaptureFixture) -> None:
    sql = "DELETE FROM market_data.ohlcv WHERE symbol IN (" + "'A', " * 3000 + "'B')"

    with (
        caplog.at_level(logging.WARNING, logger="tetra.chat.guard"),
        pytest.raises(SqlRejected),
    ):
        check_sql(sql, dialect="duckdb", allowed_tables=ALLOWED)

    assert len(caplog.records[-1].getMessage()) < 1000


LEGITIMATE = [
    "SELECT symbol, close FROM market_data.ohlcv WHERE symbol = 'SPY'",
    "FROM market_data.ohlcv SELECT symbol",
    "SELECT o.symbol, o.close, e.name FROM market_data.ohlcv o "
    "JOIN market_data.ohlcv e ON o.symbol = e.symbol",
    "WITH last AS (SELECT symbol, max(close) AS top FROM market_data.ohlcv GROUP BY symbol) "
    "SELECT * FROM last WHERE top > 100",
    "WITH a AS (SELECT symbol FROM market_data.ohlcv), b AS (SELECT * FROM a) SELECT * FROM b",
    "SELECT symbol, close, avg(close) OVER (PARTITION BY symbol ORDER BY symbol "
    "ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS sma FROM market_data.ohlcv",
    "SELECT symbol, count(*) AS n FROM market_data.ohlcv GROUP BY symbol HAVING count(*) > 1 "
    "ORDER BY n DESC",
    "SELECT symbol FROM market_data.ohlcv UNION SELECT symbol FROM market_data.ohlcv",
    "SELECT symbol FROM market_data.ohlcv EXCEPT SELECT symbol FROM market_data.ohlcv LIMIT 5",
    "SELECT * FROM (SELECT symbol FROM market_data.ohlcv) AS sub",
    "SELECT 1 AS one",
    "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sql", LEGITIMATE)
def test_legitimate_queries_are_accepted_and_wrapped(sql: str, dialect: Dialect) -> None:
    guarded = check_sql(sql, dialect=dialect, allowed_tables=ALLOWED)

    assert guarded.sql.startswith("SELECT * FROM (")
    assert guarded.sql.endswith(f") AS guarded LIMIT {MAX_ROWS}")
    assert guarded.tables <= ALLOWED
    assert guarded.limit == MAX_ROWS


def test_the_guarded_query_names_the_tables_it_reads() -> None:
    guarded = check_sql(
        "WITH x AS (SELECT * FROM market_data.ohlcv) SELECT * FROM x",
        dialect="duckdb",
        allowed_tables=ALLOWED,
    )

    assert guarded.tables == frozenset({"market_data.ohlcv"})


@pytest.mark.parametrize(("requested", "expected"), [(10, 10), (1000, 1000), (50_000, 1000)])
def test_the_row_limit_is_capped_at_one_thousand(requested: int, expected: int) -> None:
    guarded = check_sql(
        "SELECT * FROM market_data.ohlcv",
        dialect="postgres",
        allowed_tables=ALLOWED,
        limit=requested,
    )

    assert guarded.limit == expected
    assert guarded.sql.endswith(f"LIMIT {expected}")


def test_a_row_limit_below_one_is_rejected() -> None:
    with pytest.raises(SqlRejected, match="at least 1"):
        check_sql("SELECT 1", dialect="duckdb", allowed_tables=ALLOWED, limit=0)


def test_comments_do_not_reach_the_database() -> None:
    guarded = check_sql(
        "SELECT 1 AS one -- ; DELETE FROM market_data.ohlcv",
        dialect="duckdb",
        allowed_tables=ALLOWED,
    )

    assert "DELETE" not in guarded.sql


def test_an_export_raises_the_ceiling_but_keeps_the_guard() -> None:
    guarded = check_sql(
        "SELECT * FROM market_data.ohlcv",
        dialect="duckdb",
        allowed_tables=ALLOWED,
        limit=1_000_001,
        ceiling=1_000_001,
    )

    assert guarded.limit == 1_000_001
    assert guarded.sql.endswith(") AS guarded LIMIT 1000001")
    with pytest.raises(SqlRejected):
        check_sql(
            "DELETE FROM market_data.ohlcv",
            dialect="duckdb",
            allowed_tables=ALLOWED,
            limit=10_000,
            ceiling=10_000,
        )
