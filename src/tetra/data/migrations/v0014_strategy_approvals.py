"""Migration 14: `strategies.approvals`, the explicit decisions a named person took on a spec.

A strategy conversation never saves anything by itself: a person saves a spec, or adds it
to a paper book, by an explicit action that is recorded here with who and when, the spec
exactly as approved (canonical JSON, its version and hash) and the digest of the results
the person saw. In `strategies`, private to the chat like the rest of the schema.
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

APPROVALS = Table(
    "strategies",
    "approvals",
    (
        key_col("approval_id", T.TEXT, "SHA-256 of spec hash, action, book and approver."),
        col("action", T.TEXT, null=False, doc="save (as a strategy) or add_to_book."),
        col("spec_hash", T.TEXT, null=False, doc="SHA-256 of the spec's canonical JSON."),
        col("spec_version", T.BIGINT, null=False, doc="Version of the spec format."),
        col("spec", T.JSON, null=False, doc="The spec exactly as approved (canonical JSON)."),
        col("results_digest", T.TEXT, null=False, doc="Digest of the evidence shown."),
        col("approved_by", T.TEXT, null=False, doc="The person who decided."),
        col("approved_at", T.TIMESTAMP, null=False),
        col("book", T.TEXT, doc="The book it joined (add_to_book), else NULL."),
        col("book_version", T.BIGINT, doc="The book's version that holds it."),
        col("mode", T.TEXT, null=False, doc="Always paper: going live is never offered here."),
        col("summary", T.JSON, doc="Headline numbers shown at approval time."),
        key_col("source", T.TEXT),
    ),
    key=("approval_id",),
    time_column="approved_at",
    description="Saves and book additions of strategy specs, each by a named person.",
)

MIGRATION = Migration(
    14,
    "strategy approvals",
    (CreateTable(APPROVALS), CreateReadOnlyRole(CHAT_ROLE, (APPROVALS.qualified_name,))),
)
