"""Database chat: natural language to safe, read-only SQL.

`guard.check_sql` admits one read-only SELECT over allowed tables and caps its rows;
`readonly` runs it on connections that refuse writes and cut slow queries, whatever the guard let
through.
"""

from tetra.chat.guard import GuardedQuery, SqlRejected, check_sql

__all__ = ["GuardedQuery", "SqlRejected", "check_sql"]
