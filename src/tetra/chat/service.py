"""`ChatService`: ask (question to SQL), execute (guarded SQL to rows), describe (schema).

The two halves never feed each other: `ask` only translates and checks, and `execute` only runs
SQL a user saw. Rows never trigger a translation or another query; `summarize` sends rows to a
model without tools, and rows of private tables only to the local model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import IO

import pandas as pd

from tetra.chat.charts import ChartSpec, suggest_chart
from tetra.chat.context import Expiring, SchemaContext, load_schema_context
from tetra.chat.export import EXCEL_MAX_ROWS, ExportFormat, ExportWriter, StagedFrames
from tetra.chat.guard import MAX_ROWS, Dialect, SqlRejected, check_sql
from tetra.chat.llm import summarize_rows
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.readonly import ReadOnlyExecutor
from tetra.chat.router import ChatRouter, ProviderChoice
from tetra.chat.suggestions import suggested_questions
from tetra.chat.translation import ChatModel, ModelFailed, ProviderKind, Turn

EXPORT_MAX_ROWS = 1_000_000  # rows a CSV or Excel export may hold (TETRA_CHAT__EXPORT_MAX_ROWS)

__all__ = ["Answer", "ChatService", "Executed"]

CONTEXT_TTL_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Answer:
    """A question's SQL, why, who wrote it, and whether the guard accepts it."""

    question: str
    sql: str
    explanation: str
    provider: ProviderKind
    model: str
    privacy: Privacy
    tables: tuple[str, ...]
    rejection: str | None
    note: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Executed:
    """The rows of one guarded query, how it ran, and a chart that fits them."""

    sql: str  # what ran: the checked query wrapped in its row cap
    frame: pd.DataFrame
    elapsed_seconds: float
    limit: int
    privacy: Privacy
    chart: ChartSpec | None
    summary: str | None = None  # a model's words, when one wrote them
    summary_by: str | None = None  # "local: llama3" / "cloud: gpt-4o-mini"
    summary_note: str | None = None  # why there is no summary, when asked for and none came

    @property
    def truncated(self) -> bool:
        return len(self.frame) >= self.limit


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: its rows, whether the cap cut it, the cap, the seconds it took."""

    rows: int
    truncated: bool
    cap: int
    elapsed_seconds: float


class ChatService:
    """The database chat over one store, its router and its read-only executor."""

    def __init__(
        self,
        executor: ReadOnlyExecutor,
        dialect: Dialect,
        policy: TablePolicy,
        router: ChatRouter,
        *,
        summarizers: Mapping[ProviderKind, ChatModel] | None = None,
        max_rows: int = MAX_ROWS,
        export_max_rows: int = EXPORT_MAX_ROWS,
        context_ttl_seconds: float = CONTEXT_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.executor, self.dialect, self.policy, self.router = executor, dialect, policy, router
        self.summarizers = dict(summarizers or {})
        self.max_rows = min(max_rows, MAX_ROWS)
        self.export_max_rows = export_max_rows
        self._context = Expiring(
            lambda: load_schema_context(self.executor, self.dialect, self.policy),
            ttl_seconds=context_ttl_seconds,
            monotonic=monotonic,
        )

    def context(self, audience: Privacy = Privacy.PRIVATE) -> SchemaContext:
        """Return the schema context; the public audience (a cloud model) sees public tables."""
        context = self._context()
        return context.public_only() if audience is Privacy.PUBLIC else context

    def refresh(self) -> None:
        """Forget the cached schema context (after a pipeline run, say)."""
        self._context.clear()

    def suggestions(self) -> list[str]:
        return suggested_questions(self.context())

    def ask(
        self, question: str, provider: ProviderChoice = "auto", history: Sequence[Turn] = ()
    ) -> Answer:
        """Translate `question` and check the SQL against what its provider may read."""
        routed = self.router.translate(question.strip(), self.context(), provider, history)
        translation = routed.translation
        try:
            guarded = check_sql(
                translation.sql, dialect=self.dialect, allowed_tables=routed.context.table_names
            )
            rejection, tables = None, tuple(sorted(guarded.tables))
        except SqlRejected as rejected:
            rejection, tables = rejected.reason, ()
        return Answer(
            question=question,
            sql=translation.sql,
            explanation=translation.explanation,
            provider=translation.provider,
            model=translation.model,
            privacy=routed.privacy,
            tables=tables,
            rejection=rejection,
            note=routed.note,
            attempts=translation.attempts,
        )

    def execute(self, sql: str, *, question: str = "", summarize: bool = False) -> Executed:
        """Guard and run `sql` (raises `SqlRejected` or `QueryFailed`); summarize on request."""
        readable = self.context().table_names
        guarded = check_sql(sql, dialect=self.dialect, allowed_tables=readable, limit=self.max_rows)
        result = self.executor.run(guarded.sql)
        privacy = self.policy.privacy_of(guarded.tables)
        executed = Executed(
            guarded.sql,
            result.frame,
            result.elapsed_seconds,
            guarded.limit,
            privacy,
            suggest_chart(result.frame),
        )
        if not summarize:
            return executed
        return self._summarize(executed, question, sql)

    def export(self, sql: str, format: ExportFormat, destination: IO[bytes]) -> Exported:
        """Guard `sql` and stream all its rows, up to the export cap, into a file.

        The same guard and read-only executor as `execute`, with the export cap instead of the
        screen's: one row past the cap is read only to tell that the file was cut. A CSV file
        is written as the rows arrive; an Excel workbook after the query, from staged frames.
        """
        cap = (
            min(self.export_max_rows, EXCEL_MAX_ROWS) if format == "xlsx" else self.export_max_rows
        )
        readable = self.context().table_names
        guarded = check_sql(
            sql, dialect=self.dialect, allowed_tables=readable, limit=cap + 1, ceiling=cap + 1
        )
        writer = ExportWriter(destination, format)
        staged = StagedFrames() if format == "xlsx" else None
        sink = staged.add if staged is not None else writer.add
        seen = kept = 0

        def keep(frame: pd.DataFrame) -> None:
            nonlocal seen, kept
            room = cap - kept
            if room > 0 or seen == 0:
                sink(frame.iloc[: max(room, 0)])
                kept += min(len(frame), max(room, 0))
            seen += len(frame)

        try:
            elapsed = self.executor.run_batches(guarded.sql, keep)
        except BaseException:
            if staged is not None:
                staged.close()
            raise
        if staged is not None:
            staged.replay_into(writer)
        writer.close()
        return Exported(writer.rows, seen > cap, cap, elapsed)

    def _summarize(self, executed: Executed, question: str, sql: str) -> Executed:
        picked = self._summarizer(executed.privacy)
        if picked is None:
            note = (
                "No model may summarise these rows: they are private and no local model is "
                "configured."
                if executed.privacy is Privacy.PRIVATE
                else "No model is configured to summarise results."
            )
            return replace(executed, summary_note=note)
        kind, model = picked
        try:
            text = summarize_rows(model, question, sql, executed.frame)
        except ModelFailed as failure:
            return replace(executed, summary_note=f"No summary: {failure}")
        return replace(executed, summary=text, summary_by=f"{kind.value}: {model.model}")

    def _summarizer(self, privacy: Privacy) -> tuple[ProviderKind, ChatModel] | None:
        kinds = [ProviderKind.LOCAL]
        if privacy is Privacy.PUBLIC:
            kinds.insert(0, ProviderKind.CLOUD)
        for kind in kinds:
            if (model := self.summarizers.get(kind)) is not None:
                return kind, model
        return None

    def close(self) -> None:
        self.executor.close()
