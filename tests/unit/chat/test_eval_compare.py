"""Execution accuracy: results compare as rows of normalised values, and every outcome counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tetra.adapters.stores.duckdb_readonly import DuckDBReadOnly
from tetra.chat.context import SchemaContext, TableInfo
from tetra.chat.evaluation import (
    EvalQuestion,
    Outcome,
    QuestionResult,
    compare_results,
    load_questions,
    run_eval,
)
from tetra.chat.policy import Privacy
from tetra.chat.translation import ProviderKind, Translation, TranslationFailed, Turn
from tetra.testing.chat import RecordingExecutor


def frame(rows: Sequence[Sequence[object]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(columns))


# --- compare_results --------------------------------------------------------------------------


def test_identical_results_are_equal() -> None:
    rows = frame([("SPY", 1.5), ("QQQ", 2.5)], ["symbol", "return_pct"])

    assert compare_results(rows, rows.copy(), ordered=True) is None


def test_column_names_and_column_order_are_ignored() -> None:
    expected = frame([("SPY", 1.5), ("QQQ", 2.5)], ["symbol", "return_pct"])
    actual = frame([(1.5, "SPY"), (2.5, "QQQ")], ["r", "ticker"])

    assert compare_results(expected, actual, ordered=True) is None


def test_floats_equal_to_six_significant_digits_are_equal() -> None:
    expected = frame([(123.456789,), (0.000123456789,)], ["x"])
    close = frame([(123.4568,), (0.0001234568,)], ["x"])
    far = frame([(123.4561,), (0.0001234568,)], ["x"])

    assert compare_results(expected, close, ordered=False) is None
    assert compare_results(expected, far, ordered=False) is not None


def test_decimal_int_and_float_of_the_same_value_are_equal() -> None:
    expected = frame([(Decimal("2515"), Decimal("1.25"))], ["n", "x"])
    actual = frame([(2515, 1.25)], ["n", "x"])

    assert compare_results(expected, actual, ordered=False) is None


def test_none_and_nan_are_equal() -> None:
    expected = frame([("SPY", None)], ["symbol", "x"])
    actual = frame([("SPY", float("nan"))], ["symbol", "x"])

    assert compare_results(expected, actual, ordered=False) is None


def test_a_midnight_timestamp_equals_its_date_and_other_times_are_kept() -> None:
    midnight = frame([(pd.Timestamp("2025-12-31", tz="UTC"),)], ["ts"])
    date = frame([(dt.date(2025, 12, 31),)], ["date"])
    afternoon = frame([(pd.Timestamp("2025-12-31 14:00", tz="UTC"),)], ["ts"])
    naive_afternoon = frame([(np.datetime64("2025-12-31T14:00"),)], ["ts"])

    assert compare_results(midnight, date, ordered=False) is None
    assert compare_results(afternoon, date, ordered=False) is not None
    assert compare_results(afternoon, naive_afternoon, ordered=False) is None


def test_a_timestamp_in_another_zone_is_compared_in_utc() -> None:
    utc = frame([(pd.Timestamp("2025-12-31 14:00", tz="UTC"),)], ["ts"])
    new_york = frame([(pd.Timestamp("2025-12-31 09:00", tz="America/New_York"),)], ["ts"])

    assert compare_results(utc, new_york, ordered=False) is None


def test_rows_in_another_order_differ_only_when_order_matters() -> None:
    expected = frame([("SPY", 1.0), ("QQQ", 2.0)], ["symbol", "x"])
    reversed_rows = frame([("QQQ", 2.0), ("SPY", 1.0)], ["symbol", "x"])

    assert compare_results(expected, reversed_rows, ordered=False) is None
    assert compare_results(expected, reversed_rows, ordered=True) == (
        "the same rows in another order"
    )


def test_rows_compare_as_a_multiset_so_duplicates_count() -> None:
    expected = frame([(1,), (1,), (2,)], ["x"])
    actual = frame([(1,), (2,), (2,)], ["x"])

    assert compare_results(expected, actual, ordered=False) is not None


def test_columns_with_equal_values_but_different_pairings_differ() -> None:
    expected = frame([("SPY", 1.0), ("QQQ", 2.0)], ["symbol", "x"])
    swapped = frame([("SPY", 2.0), ("QQQ", 1.0)], ["symbol", "x"])

    assert compare_results(expected, swapped, ordered=False) == "the rows differ"


def test_a_different_number_of_rows_or_columns_is_reported() -> None:
    expected = frame([("SPY", 1.0)], ["symbol", "x"])

    fewer_rows = compare_results(expected, expected.iloc[:0], ordered=False)
    more_columns = compare_results(expected, expected.assign(y=3), ordered=False)

    assert fewer_rows == "expected 1 rows, got 0"
    assert more_columns == "expected 2 columns, got 3"


def test_extra_columns_may_be_allowed_as_in_spider_2() -> None:
    expected = frame([(1.5,)], ["return_pct"])
    actual = frame([("SPY", "2025-01-01", 1.5)], ["symbol", "date", "return_pct"])

    assert compare_results(expected, actual, ordered=False, extra_columns=True) is None
    assert compare_results(expected, actual, ordered=False) is not None


def test_two_empty_results_of_the_same_shape_are_equal() -> None:
    empty = frame([], ["symbol", "x"])

    assert compare_results(empty, empty.copy(), ordered=True) is None


# --- the question set -------------------------------------------------------------------------


def test_the_shipped_question_set_has_at_least_70_questions_with_unique_ids() -> None:
    questions = load_questions()

    assert len(questions) >= 70
    assert len({q.id for q in questions}) == len(questions)
    assert all(q.question and q.sql and q.tags for q in questions)


def test_the_shipped_question_set_covers_every_domain_and_keeps_questions_outside_offline() -> None:
    questions = load_questions()
    tags = {tag for q in questions for tag in q.tags}
    outside = sum("outside" in q.tags for q in questions)

    assert {"market", "macro", "news", "ops"} <= tags
    assert 0.15 <= outside / len(questions) <= 0.25


def test_questions_load_from_a_given_file(tmp_path: Path) -> None:
    path = tmp_path / "questions.toml"
    path.write_text(
        '[[question]]\nid = "one"\nquestion = "Q?"\nsql = "SELECT 1"\nordered = true\n'
        'tags = ["t"]\n',
        encoding="utf-8",
    )

    assert load_questions(path) == [EvalQuestion("one", "Q?", "SELECT 1", True, ("t",))]


def test_duplicate_question_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "questions.toml"
    entry = '[[question]]\nid = "one"\nquestion = "Q?"\nsql = "SELECT 1"\n'
    path.write_text(entry + entry, encoding="utf-8")

    with pytest.raises(ValueError, match="duplicate"):
        load_questions(path)


# --- run_eval ---------------------------------------------------------------------------------

REFERENCE = "SELECT symbol, close FROM market_data.ohlcv WHERE symbol = 'SPY'"
QUESTIONS = [
    EvalQuestion("right", "right?", REFERENCE, tags=("market", "price")),
    EvalQuestion("wrong", "wrong?", REFERENCE, tags=("market",)),
    EvalQuestion("hostile", "hostile?", REFERENCE, tags=("market",)),
    EvalQuestion("unknown", "unknown?", REFERENCE, tags=("news",)),
    EvalQuestion("broken", "broken?", REFERENCE, tags=("market",)),
    EvalQuestion("bad-reference", "right?", "SELECT nope FROM market_data.ohlcv"),
]
CANDIDATES = {
    "right?": "SELECT close, symbol FROM market_data.ohlcv WHERE symbol = 'SPY'",
    "wrong?": "SELECT symbol, close FROM market_data.ohlcv WHERE symbol = 'QQQ'",
    "hostile?": "DROP TABLE market_data.ohlcv",
    "broken?": "SELECT no_such_column FROM market_data.ohlcv",
}


class ScriptedTranslator:
    kind = ProviderKind.OFFLINE
    model = "scripted"

    def translate(
        self, question: str, context: SchemaContext, history: Sequence[Turn] = ()
    ) -> Translation:
        if question not in CANDIDATES:
            raise TranslationFailed("no idea")
        return Translation(CANDIDATES[question], "scripted", self.kind, self.model)


@pytest.fixture
def executor(tmp_path: Path) -> Iterator[RecordingExecutor]:
    path = str(tmp_path / "store.duckdb")
    with duckdb.connect(path) as connection:
        connection.execute("CREATE SCHEMA market_data")
        connection.execute("CREATE TABLE market_data.ohlcv (symbol VARCHAR, close DOUBLE)")
        connection.execute("INSERT INTO market_data.ohlcv VALUES ('SPY', 1.0), ('QQQ', 2.0)")
    recording = RecordingExecutor(DuckDBReadOnly(path))
    yield recording
    recording.close()


CONTEXT = SchemaContext("duckdb", (TableInfo("market_data.ohlcv", "", Privacy.PUBLIC, ()),))


def test_run_eval_records_one_outcome_per_question(executor: RecordingExecutor) -> None:
    report = run_eval(ScriptedTranslator(), executor, CONTEXT, QUESTIONS)

    outcomes = {r.question.id: r.outcome for r in report.results}
    assert outcomes == {
        "right": Outcome.CORRECT,
        "wrong": Outcome.WRONG,
        "hostile": Outcome.REJECTED,
        "unknown": Outcome.FAILED,
        "broken": Outcome.ERROR,
        "bad-reference": Outcome.REFERENCE_ERROR,
    }
    assert (report.correct, report.total) == (1, 6)
    assert report.accuracy == pytest.approx(1 / 6)


def test_run_eval_never_executes_sql_the_guard_rejects(executor: RecordingExecutor) -> None:
    report = run_eval(ScriptedTranslator(), executor, CONTEXT, QUESTIONS)

    assert report.counts[Outcome.REJECTED] == 1
    assert not any("DROP" in sql.upper() for sql in executor.ran)


def test_run_eval_reports_timing_progress_and_accuracy_per_tag(
    executor: RecordingExecutor,
) -> None:
    seen: list[str] = []

    def progress(result: QuestionResult) -> None:
        seen.append(result.question.id)

    report = run_eval(ScriptedTranslator(), executor, CONTEXT, QUESTIONS, on_progress=progress)

    assert seen == [q.id for q in QUESTIONS]
    assert report.by_tag()["market"] == (1, 4)
    assert report.by_tag()["price"] == (1, 1)
    assert report.elapsed_seconds >= 0
    assert all(r.translate_seconds >= 0 and r.execute_seconds >= 0 for r in report.results)


def test_the_report_renders_as_markdown_tables(executor: RecordingExecutor) -> None:
    report = run_eval(ScriptedTranslator(), executor, CONTEXT, QUESTIONS)

    markdown = report.to_markdown()

    assert "Execution accuracy: **1/6 = 16.7%**" in markdown
    assert "| rejected by guard | 1 |" in markdown
    assert "| market | 1 | 4 | 25% |" in markdown
    assert "| hostile | rejected by guard |" in markdown
