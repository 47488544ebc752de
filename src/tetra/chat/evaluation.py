"""Execution accuracy of a translator over a set of questions with reference SQL.

As in Spider and BIRD, an answer is correct when its query returns the same rows as the
reference query: the same multiset of rows (the same sequence when order matters), column
names and column order aside, each value normalised first (floats to 6 significant digits,
midnight timestamps to ISO dates, Decimal to float, None and NaN alike). `run_eval` translates
each question, guards the SQL (a rejected query is counted, never run), runs the reference and
the candidate on the same read-only executor, and records one outcome per question.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlglot

from tetra.chat.context import SchemaContext
from tetra.chat.guard import SqlRejected, check_sql
from tetra.chat.readonly import QueryFailed, ReadOnlyExecutor
from tetra.chat.translation import TranslationFailed, Translator, Turn

__all__ = [
    "EvalQuestion",
    "EvalReport",
    "Outcome",
    "QuestionResult",
    "compare_results",
    "conversation",
    "load_questions",
    "run_eval",
]

_SIGNIFICANT_DIGITS = 6
_MAX_ASSIGNMENTS = 10_000  # column matchings tried before giving up


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """A question, its reference SQL (DuckDB dialect), whether row order matters, its tags.

    `follows` names the question this one follows up in the same conversation ("and for
    QQQ?"); the translator sees that chain of earlier questions as its history.
    """

    id: str
    question: str
    sql: str
    ordered: bool = False
    tags: tuple[str, ...] = ()
    follows: str = ""


def load_questions(path: Path | None = None) -> list[EvalQuestion]:
    """Read questions from a TOML file; by default the set shipped with Tetra."""
    if path is None:
        resource = resources.files("tetra.chat").joinpath("eval_questions.toml")
        text = resource.read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    questions = [
        EvalQuestion(
            id=str(entry["id"]),
            question=str(entry["question"]),
            sql=str(entry["sql"]).strip(),
            ordered=bool(entry.get("ordered", False)),
            tags=tuple(str(tag) for tag in entry.get("tags", ())),
            follows=str(entry.get("follows", "")),
        )
        for entry in tomllib.loads(text).get("question", [])
    ]
    duplicates = sorted(i for i, n in Counter(q.id for q in questions).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate question ids: {duplicates}")
    seen: set[str] = set()
    for question in questions:
        if question.follows and question.follows not in seen:
            raise ValueError(f"{question.id} follows {question.follows!r}, not an earlier question")
        seen.add(question.id)
    return questions


def conversation(question: EvalQuestion, by_id: Mapping[str, EvalQuestion]) -> list[Turn]:
    """Return the earlier questions a follow-up continues, oldest first."""
    turns: list[Turn] = []
    current = question
    while current.follows:
        current = by_id[current.follows]
        turns.insert(0, Turn(current.question, current.sql))
    return turns


# --- comparing results ------------------------------------------------------------------------


def compare_results(
    expected: pd.DataFrame, actual: pd.DataFrame, ordered: bool, *, extra_columns: bool = False
) -> str | None:
    """Return None when `actual` holds the rows of `expected`, else a short reason.

    Columns are matched by their values, whatever their names and order. With
    `extra_columns`, `actual` may hold more columns than `expected` (the rule of Spider 2.0);
    by default both must have the same number.
    """
    want, got = _columns(expected), _columns(actual)
    if len(got) < len(want) or (len(got) != len(want) and not extra_columns):
        return f"expected {len(want)} columns, got {len(got)}"
    if len(expected) != len(actual):
        return f"expected {len(expected)} rows, got {len(actual)}"
    if not want:
        return None
    keys = [_multiset(values) for values in got]
    candidates = [[k for k, key in enumerate(keys) if key == _multiset(v)] for v in want]
    if not all(candidates):
        name = expected.columns[next(j for j, c in enumerate(candidates) if not c)]
        return f"no column of the result has the values of expected column {name!r}"
    everything = range(len(want))
    in_any_order = False
    for assignment in _assignments(candidates):
        if Counter(_rows(got, assignment)) != Counter(_rows(want, everything)):
            continue
        if not ordered or _rows(got, assignment) == _rows(want, everything):
            return None
        in_any_order = True
    return "the same rows in another order" if in_any_order else "the rows differ"


def _columns(frame: pd.DataFrame) -> list[list[Any]]:
    return [[normalise(v) for v in frame.iloc[:, j].tolist()] for j in range(frame.shape[1])]


def normalise(value: Any) -> Any:
    """Return a comparable form of one value: see the module docstring."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | decimal.Decimal | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        return float(f"{number:.{_SIGNIFICANT_DIGITS}g}") + 0.0  # + 0.0 folds -0.0
    if isinstance(value, dt.datetime | np.datetime64):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else _timestamp(stamp)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | dict | np.ndarray):
        items = value.tolist() if isinstance(value, np.ndarray) else value
        return json.dumps(items, sort_keys=True, default=str)
    return str(value)


def _timestamp(stamp: pd.Timestamp) -> str:
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    if stamp == stamp.normalize():
        return str(stamp.date().isoformat())
    return str(stamp.isoformat())


def _multiset(values: list[Any]) -> tuple[Any, ...]:
    return tuple(sorted(values, key=lambda v: (type(v).__name__, repr(v))))


def _rows(columns: list[list[Any]], chosen: Sequence[int]) -> list[tuple[Any, ...]]:
    return list(zip(*(columns[k] for k in chosen), strict=True))


def _assignments(candidates: list[list[int]]) -> Iterator[list[int]]:
    """Yield injective choices of one candidate column per expected column (bounded)."""
    tried = 0

    def extend(prefix: list[int]) -> Iterator[list[int]]:
        nonlocal tried
        if len(prefix) == len(candidates):
            tried += 1
            yield prefix
            return
        for k in candidates[len(prefix)]:
            if k not in prefix and tried < _MAX_ASSIGNMENTS:
                yield from extend([*prefix, k])

    yield from extend([])


# --- running the evaluation -------------------------------------------------------------------


class Outcome(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong result"
    REJECTED = "rejected by guard"
    FAILED = "translation failed"
    ERROR = "execution error"
    REFERENCE_ERROR = "reference failed"


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """What one question came to: the outcome, the SQL tried, why, and how long it took."""

    question: EvalQuestion
    outcome: Outcome
    sql: str = ""
    detail: str = ""
    translate_seconds: float = 0.0
    execute_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class EvalReport:
    """The results of one provider over a question set."""

    provider: str
    model: str
    dialect: str
    results: tuple[QuestionResult, ...]
    elapsed_seconds: float = 0.0
    counts: dict[Outcome, int] = field(init=False)

    def __post_init__(self) -> None:
        counted = Counter(r.outcome for r in self.results)
        object.__setattr__(self, "counts", {o: counted.get(o, 0) for o in Outcome})

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return self.counts[Outcome.CORRECT]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def by_tag(self) -> dict[str, tuple[int, int]]:
        """Return (correct, total) per tag."""
        tally: dict[str, list[int]] = {}
        for result in self.results:
            for tag in result.question.tags:
                counts = tally.setdefault(tag, [0, 0])
                counts[0] += result.outcome is Outcome.CORRECT
                counts[1] += 1
        return {tag: (c, n) for tag, (c, n) in sorted(tally.items())}

    def to_markdown(self) -> str:
        """Return the report as Markdown: summary, outcomes, accuracy per tag, per question."""
        lines = [
            f"## {self.provider} ({self.model}) on {self.dialect}",
            "",
            f"Execution accuracy: **{self.correct}/{self.total} = {self.accuracy:.1%}** "
            f"in {self.elapsed_seconds:.1f} s; wrong answers (a different result, not refused): "
            f"**{self.counts[Outcome.WRONG]}**",
            "",
            "| outcome | questions |",
            "|---|---:|",
            *(f"| {o.value} | {n} |" for o, n in self.counts.items() if n),
            "",
            "| tag | correct | total | accuracy |",
            "|---|---:|---:|---:|",
            *(f"| {t} | {c} | {n} | {c / n:.0%} |" for t, (c, n) in self.by_tag().items()),
            "",
            "| id | outcome | detail |",
            "|---|---|---|",
            *(f"| {r.question.id} | {r.outcome.value} | {_cell(r.detail)} |" for r in self.results),
        ]
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:160]


def run_eval(
    translator: Translator,
    executor: ReadOnlyExecutor,
    context: SchemaContext,
    questions: Sequence[EvalQuestion],
    *,
    on_progress: Callable[[QuestionResult], None] | None = None,
    extra_columns: bool = False,
) -> EvalReport:
    """Translate, guard, run and compare every question; report execution accuracy."""
    started = time.perf_counter()
    results: list[QuestionResult] = []
    by_id = {q.id: q for q in questions}
    for question in questions:
        history = conversation(question, by_id)
        result = _evaluate(translator, executor, context, question, extra_columns, history)
        results.append(result)
        if on_progress is not None:
            on_progress(result)
    return EvalReport(
        provider=str(translator.kind),
        model=translator.model,
        dialect=context.dialect,
        results=tuple(results),
        elapsed_seconds=time.perf_counter() - started,
    )


def reference_sql(question: EvalQuestion, context: SchemaContext) -> str:
    """Return the reference SQL in the context's dialect, guarded like any candidate."""
    sql = question.sql
    if context.dialect == "postgres":
        sql = sqlglot.transpile(sql, read="duckdb", write="postgres", pretty=True)[0]
    return check_sql(sql, dialect=context.dialect, allowed_tables=context.table_names).sql


def _evaluate(
    translator: Translator,
    executor: ReadOnlyExecutor,
    context: SchemaContext,
    question: EvalQuestion,
    extra_columns: bool,
    history: Sequence[Turn] = (),
) -> QuestionResult:
    started = time.perf_counter()
    try:
        translation = translator.translate(question.question, context, history)
    except TranslationFailed as failed:
        spent = time.perf_counter() - started
        return QuestionResult(question, Outcome.FAILED, detail=str(failed), translate_seconds=spent)
    translated = time.perf_counter() - started
    outcome, detail, executed = _check_and_run(
        translation.sql, executor, context, question, extra_columns
    )
    return QuestionResult(question, outcome, translation.sql, detail, translated, executed)


def _check_and_run(
    sql: str,
    executor: ReadOnlyExecutor,
    context: SchemaContext,
    question: EvalQuestion,
    extra_columns: bool,
) -> tuple[Outcome, str, float]:
    try:
        guarded = check_sql(sql, dialect=context.dialect, allowed_tables=context.table_names)
    except SqlRejected as rejected:
        return Outcome.REJECTED, rejected.reason, 0.0
    try:
        actual = executor.run(guarded.sql)
    except QueryFailed as failed:
        return Outcome.ERROR, str(failed), 0.0
    try:
        expected = executor.run(reference_sql(question, context))
    except (QueryFailed, SqlRejected) as failed:
        return Outcome.REFERENCE_ERROR, str(failed), actual.elapsed_seconds
    reason = compare_results(
        expected.frame, actual.frame, question.ordered, extra_columns=extra_columns
    )
    if reason is None:
        return Outcome.CORRECT, "", actual.elapsed_seconds
    return Outcome.WRONG, reason, actual.elapsed_seconds
