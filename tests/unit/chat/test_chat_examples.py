"""Specification of the curated examples and of their retrieval for few-shot prompts."""

from __future__ import annotations

import pytest
import sqlglot

from tetra.chat.examples import Example, ExampleIndex, curated_examples
from tetra.chat.policy import TablePolicy
from tetra.data.migrations import catalog

POLICY = TablePolicy.classify(catalog())
LAST_CLOSE = "What was the last close of QQQ?"
IWM_RETURN = "How much did IWM return over the last 90 days?"
POSITIONS = "What are my current positions?"
SHARPE_RUNS = "What were the best performing backtest runs by Sharpe ratio?"


@pytest.fixture(scope="module")
def index() -> ExampleIndex:
    return ExampleIndex(curated_examples())


def example(question: str) -> Example:
    return next(e for e in curated_examples() if e.question == question)


@pytest.mark.parametrize(
    ("question", "expected_first"),
    [
        ("what did TLT close at most recently", LAST_CLOSE),
        ("return of NVDA over the past 90 days", IWM_RETURN),
        (
            "which stocks dropped most last month",
            "Which five stocks fell the most in the last month?",
        ),
        ("unemployment rate now", "What is the latest unemployment rate?"),
        ("ten year treasury yield chart", "Plot the 2-year treasury yield over the last two years"),
        ("news sentiment for AAPL per month", "Average news sentiment for MSFT by month"),
        ("headlines on NVDA", "Latest headlines about AMZN"),
        ("dividends paid by SCHD per year", "Total dividends paid per share by VYM each year"),
        ("stock splits", "List the splits of the last five years"),
        ("quarantined records reasons", "Why were records quarantined?"),
        ("show my positions", POSITIONS),
        ("sharpe ratio of backtests", SHARPE_RUNS),
    ],
)
def test_nearest_puts_the_example_of_a_paraphrased_question_first(
    index: ExampleIndex, question: str, expected_first: str
) -> None:
    nearest = index.nearest(question, readable=POLICY.readable)

    assert nearest[0].question == expected_first


def test_nearest_returns_at_most_k_examples(index: ExampleIndex) -> None:
    assert len(index.nearest("close of QQQ", readable=POLICY.readable, k=3)) == 3
    assert len(index.nearest("close of QQQ", readable=POLICY.readable)) == 4


@pytest.mark.parametrize(
    "question", ["show my positions", "sharpe ratio of backtests", "open orders", "P&L of run demo"]
)
def test_nearest_never_offers_examples_over_tables_outside_readable(
    index: ExampleIndex, question: str
) -> None:
    everything = len(curated_examples())

    offered = index.nearest(question, readable=POLICY.public, k=everything)

    assert offered
    assert all(e.tables <= POLICY.public for e in offered)
    assert POSITIONS not in {e.question for e in offered}


def test_nearest_offers_exactly_the_examples_over_readable_tables(index: ExampleIndex) -> None:
    everything = curated_examples()
    public = {e.question for e in everything if e.tables <= POLICY.public}

    offered = index.nearest("anything", readable=POLICY.public, k=len(everything))

    assert {e.question for e in offered} == public
    assert len(public) < len(everything)


def test_nearest_offers_nothing_when_no_table_is_readable(index: ExampleIndex) -> None:
    assert index.nearest("last close of QQQ", readable=frozenset()) == []


def test_nearest_orders_the_same_way_on_every_call_and_every_index(index: ExampleIndex) -> None:
    question = "latest close and return of QQQ last month"

    first = index.nearest(question, readable=POLICY.readable, k=10)
    again = index.nearest(question, readable=POLICY.readable, k=10)
    rebuilt = ExampleIndex(curated_examples()).nearest(question, readable=POLICY.readable, k=10)

    assert first == again == rebuilt


def test_nearest_breaks_ties_by_curated_order(index: ExampleIndex) -> None:
    unrelated = index.nearest("zzz qqq xyzzy", readable=POLICY.readable, k=5)

    assert unrelated == list(curated_examples()[:5])


def test_curated_examples_record_the_tables_they_read_without_cte_names() -> None:
    assert example(IWM_RETURN).tables == {"market_data.ohlcv"}
    assert example(POSITIONS).tables == {"execution.positions"}
    assert example(SHARPE_RUNS).tables == {
        "strategies.performance",
        "strategies.runs",
        "strategies.definitions",
    }


def test_curated_examples_read_only_tables_the_default_policy_makes_readable() -> None:
    unreadable = {e.question: e.tables - POLICY.readable for e in curated_examples()}

    assert {q: t for q, t in unreadable.items() if t} == {}


def test_curated_example_questions_are_unique() -> None:
    questions = [e.question for e in curated_examples()]

    assert len(questions) == len(set(questions))


def test_sql_for_duckdb_is_the_curated_sql_unchanged() -> None:
    curated = example(IWM_RETURN)

    assert curated.sql_for("duckdb") == curated.sql


def test_sql_for_postgres_transpiles_duckdb_intervals_and_date_literals() -> None:
    iwm = example(IWM_RETURN).sql_for("postgres")
    unemployment = example("What is the latest unemployment rate?").sql_for("postgres")

    assert "INTERVAL '90 DAY'" in iwm
    assert "INTERVAL 90 DAY" not in iwm
    assert "CAST('9999-12-31' AS DATE)" in unemployment


@pytest.mark.parametrize("curated", curated_examples(), ids=lambda e: e.question[:40])
def test_sql_for_postgres_parses_as_postgres(curated: Example) -> None:
    transpiled = curated.sql_for("postgres")

    parsed = sqlglot.parse_one(transpiled, read="postgres")

    assert parsed.key in {"select", "union"}
