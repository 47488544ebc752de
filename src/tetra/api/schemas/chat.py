"""Request and response bodies of the database chat (`/api/chat`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tetra.chat.guard import MAX_SQL_CHARS

Provider = Literal["auto", "offline", "local", "cloud"]
ProviderUsed = Literal["offline", "local", "cloud"]
PrivacyName = Literal["public", "private"]
JsonCell = str | float | int | bool | None
ColumnKind = Literal["number", "time", "text", "boolean"]


class ChatTurn(BaseModel):
    question: str = Field(max_length=2000)
    sql: str = Field(max_length=MAX_SQL_CHARS)


class QueryRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, examples=["Latest close of SPY"])
    provider: Provider = Field(
        "auto", description="auto: cloud for public questions, local for private, else offline."
    )
    history: list[ChatTurn] = Field(
        default_factory=list, max_length=5, description="Earlier turns, for follow-ups."
    )


class QueryResponse(BaseModel):
    """The SQL for a question; nothing has run yet."""

    question: str
    sql: str
    explanation: str
    provider: ProviderUsed
    model: str
    privacy: PrivacyName = Field(description="private: only the local model saw the question.")
    tables: list[str]
    accepted: bool = Field(description="Whether the guard lets the SQL run.")
    rejection: str | None = Field(description="Why the guard refuses it, if it does.")
    note: str = Field(description="How routing went, e.g. a fallback to offline.")
    attempts: int = Field(description="Model round-trips spent.")


class ExecuteRequest(BaseModel):
    sql: str = Field(min_length=1, max_length=MAX_SQL_CHARS)
    question: str = Field("", max_length=2000, description="For the summary only.")
    summarize: bool = Field(False, description="Also describe the rows in words.")


class ResultColumn(BaseModel):
    name: str
    type: ColumnKind


class ChartSpecModel(BaseModel):
    """A declarative chart over result columns; the client draws it, nothing executes."""

    kind: Literal["line", "bar", "scatter"]
    x: str
    y: list[str]
    series: str | None = None
    title: str = ""
    rebase: bool = Field(
        default=False, description="Draw each line as 100 x value / its first value."
    )


class ExecuteResponse(BaseModel):
    sql: str = Field(description="What ran: the checked query under its row cap.")
    columns: list[ResultColumn]
    rows: list[list[JsonCell]]
    row_count: int
    truncated: bool = Field(description="The row cap was reached: there may be more rows.")
    elapsed_ms: float
    privacy: PrivacyName
    chart: ChartSpecModel | None
    summary: str | None = Field(description="Plain text from a model without tools, if asked.")
    summary_by: str | None = Field(description="Which model wrote the summary.")
    summary_note: str | None = Field(description="Why no summary came, when one was asked for.")


class ExportRequest(BaseModel):
    sql: str = Field(min_length=1, max_length=MAX_SQL_CHARS)
    format: Literal["csv", "xlsx"] = "csv"


class ColumnContext(BaseModel):
    name: str
    type: str
    description: str
    examples: list[str]


class TableContext(BaseModel):
    name: str
    description: str
    privacy: PrivacyName
    empty: bool
    span: list[str] | None = Field(description="First and last day of its time column.")
    columns: list[ColumnContext]


class SchemaContextResponse(BaseModel):
    dialect: str
    audience: PrivacyName
    tables: list[TableContext]
    providers: list[ProviderUsed] = Field(description="Configured providers.")
    suggestions: list[str]
    max_rows: int
