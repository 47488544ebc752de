"""The SQL guard: let through one read-only SELECT over allowed tables, reject all else.

`check_sql` fails closed. It parses with sqlglot (a parse error rejects), demands exactly one
SELECT (CTEs and set operations allowed), forbids any writing or session-changing node anywhere
in the tree, every table that is not schema-qualified and allowed (CTE names in scope aside),
table functions, and a deny-list of functions that read files, sleep, run dynamic SQL or touch
the server. What runs is regenerated from the checked tree, wrapped in a capped LIMIT, so a
comment or a trick the parser skipped cannot reach the database.

The guard is one layer of two: `tetra.chat.readonly` executes on connections that refuse
writes even if the guard were bypassed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator, Set
from dataclasses import dataclass
from typing import Literal

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from tetra.core.errors import TetraError

__all__ = ["MAX_ROWS", "Dialect", "GuardedQuery", "SqlRejected", "check_sql"]

logger = logging.getLogger(__name__)

Dialect = Literal["duckdb", "postgres"]

MAX_ROWS = 1000
MAX_SQL_CHARS = 20_000
MAX_NESTING = 32  # brackets deep; real questions need a handful, the parser recurses on each
_LOGGED_SQL_CHARS = 200
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")

# Node types that write, change the session or are not plain queries; rejected anywhere.
_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "TruncateTable",
        "Copy", "Command", "Set", "Pragma", "Attach", "Detach", "Install", "Transaction",
        "Commit", "Rollback", "Into", "Lock", "Describe", "Use", "LoadData", "Show", "Grant",
        "Revoke", "Analyze", "Cache", "Uncache", "Refresh", "Kill", "Summarize", "Export",
        "Comment", "Call",
    )
    if hasattr(exp, name)
)  # fmt: skip

# Both dialects share one list (a name harmless on one is just unknown there): file readers,
# sleeps, dynamic SQL, settings, sequences, extensions, server and system functions.
_SHARED_DENIED = (
    r"pg_.*|lo_.*|dblink.*|set_config|current_setting|copy|nextval|setval|"
    r"(query|table|schema|database|cursor)_to_xml.*|"
    r"read_.*|parquet_.*|glob|getenv|query|query_table|sniff_csv|"
    r"duckdb_.*|json_execute_serialized_sql|sqlite_.*|postgres_.*|mysql_.*|iceberg_.*|"
    r"delta_.*|http_.*|write_.*|checkpoint|force_checkpoint|install.*|load.*|"
    r"which_secret|export_.*|from_csv.*|from_json.*|from_parquet.*"
)
_DENIED_FUNCTIONS: dict[Dialect, re.Pattern[str]] = {
    "postgres": re.compile(rf"(?:{_SHARED_DENIED})"),
    "duckdb": re.compile(rf"(?:{_SHARED_DENIED})"),
}


class SqlRejected(TetraError):
    """The SQL is not a single safe read-only SELECT; `reason` says why, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class GuardedQuery:
    """SQL that passed the guard: the rewritten text, the tables it reads and its row cap."""

    sql: str
    tables: frozenset[str]
    limit: int


def check_sql(
    sql: str,
    *,
    dialect: Dialect,
    allowed_tables: Set[str],
    limit: int = MAX_ROWS,
    ceiling: int = MAX_ROWS,
) -> GuardedQuery:
    """Return `sql` rewritten as a capped read-only query, or raise `SqlRejected`.

    `allowed_tables` holds qualified names such as ``market_data.ohlcv``; `limit` is capped at
    `ceiling`: `MAX_ROWS` for the screen, the export cap for a file. Every rejection is logged
    at WARNING with its reason.
    """
    try:
        try:
            allowed = frozenset(t.lower() for t in allowed_tables)
            return _check(sql, dialect, allowed, min(limit, ceiling))
        except RecursionError:  # a long flat chain (a+a+...+a) deepens the tree, not brackets
            raise SqlRejected("the query is nested too deeply to check") from None
    except SqlRejected as rejected:
        preview = sql[:_LOGGED_SQL_CHARS] + ("..." if len(sql) > _LOGGED_SQL_CHARS else "")
        logger.warning("SQL rejected: %s [sql: %r]", rejected.reason, preview)
        raise


def _check(sql: str, dialect: Dialect, allowed: frozenset[str], limit: int) -> GuardedQuery:
    if limit < 1:
        raise SqlRejected(f"the row limit must be at least 1, not {limit}")
    tree = _parse_one(sql, dialect)
    _reject_forbidden_nodes(tree)
    tables = frozenset(_check_tables(tree, allowed))
    _reject_denied_functions(tree, dialect)
    rows = limit
    inner = tree.sql(dialect=dialect, comments=False)
    return GuardedQuery(f"SELECT * FROM ({inner}) AS guarded LIMIT {rows}", tables, rows)


def _parse_one(sql: str, dialect: Dialect) -> exp.Expression:
    if not sql.strip():
        raise SqlRejected("the query is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRejected(f"the query is longer than {MAX_SQL_CHARS} characters")
    if "\x00" in sql:
        raise SqlRejected("the query contains a NUL character")
    try:
        _reject_deep_nesting(sql, dialect)
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as error:
        message = _ANSI_ESCAPE.sub("", str(error)).splitlines()[0][:200]
        raise SqlRejected(f"the query does not parse: {message}") from None
    if len(statements) != 1:
        raise SqlRejected(f"expected exactly one statement, found {len(statements)}")
    tree = statements[0]
    if not isinstance(tree, exp.Select | exp.SetOperation):
        raise SqlRejected(f"only SELECT queries are allowed, not {tree.key.upper()}")
    return tree


def _reject_deep_nesting(sql: str, dialect: Dialect) -> None:
    """Reject brackets nested deeper than `MAX_NESTING`, from tokens, before any recursion."""
    depth = deepest = 0
    for token in sqlglot.Dialect.get_or_raise(dialect).tokenize(sql):
        if token.token_type.name in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type.name in _CLOSING:
            depth -= 1
    if deepest > MAX_NESTING:
        raise SqlRejected(f"the query nests brackets {deepest} deep; at most {MAX_NESTING}")


_OPENING = frozenset({"L_PAREN", "L_BRACKET", "L_BRACE"})
_CLOSING = frozenset({"R_PAREN", "R_BRACKET", "R_BRACE"})


def _reject_forbidden_nodes(tree: exp.Expression) -> None:
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise SqlRejected(f"{node.key.upper()} is not allowed in a read-only query")
        if isinstance(node, exp.Query | exp.DML) and not isinstance(
            node, exp.Select | exp.SetOperation | exp.Subquery | exp.Values
        ):
            raise SqlRejected(f"{node.key.upper()} is not allowed in a read-only query")


def _check_tables(tree: exp.Expression, allowed: frozenset[str]) -> Iterator[str]:
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise SqlRejected(f"table functions are not allowed: {table.this.sql()[:80]}")
        if table.args.get("catalog") is not None:
            raise SqlRejected(f"database-qualified tables are not allowed: {table.sql()[:80]}")
        if not table.db:
            if table.name.lower() in _ctes_in_scope(table):
                continue
            raise SqlRejected(f"table {table.name!r} must be schema-qualified, e.g. schema.table")
        name = f"{table.db}.{table.name}".lower()
        if name not in allowed:
            raise SqlRejected(f"table {name!r} is not one the chat may read")
        yield name


def _ctes_in_scope(table: exp.Table) -> set[str]:
    """Return the CTE names `table` may refer to: earlier siblings only, unless RECURSIVE."""
    names: set[str] = set()
    child: object = table  # compared by identity only
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With):
            ctes = [c for c in node.expressions if isinstance(c, exp.CTE)]
            position = next((i for i, c in enumerate(ctes) if c is child), len(ctes))
            visible = ctes if node.args.get("recursive") else ctes[:position]
            names.update(c.alias_or_name.lower() for c in visible)
        elif isinstance(node, exp.Query):
            with_ = node.args.get("with_") or node.args.get("with")
            if isinstance(with_, exp.With) and child is not with_:
                names.update(c.alias_or_name.lower() for c in with_.expressions)
        child, node = node, node.parent
    return names


def _reject_denied_functions(tree: exp.Expression, dialect: Dialect) -> None:
    denied = _DENIED_FUNCTIONS[dialect]
    for function in tree.find_all(exp.Func):
        for name in _function_names(function):
            if denied.fullmatch(name):
                raise SqlRejected(f"the function {name}() is not allowed")


def _function_names(function: exp.Func) -> set[str]:
    names = {function.sql_name()}
    if isinstance(function, exp.Anonymous):
        names.add(str(function.name))
    return {unicodedata.normalize("NFKC", name).strip().lower() for name in names}
