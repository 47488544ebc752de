"""Statistics of returns: mean daily/weekly/monthly return, Sharpe ratio, up and down counts."""

from __future__ import annotations

import pytest

from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.translation import TranslationFailed
from tetra.data.migrations import catalog

VOCABULARY = Vocabulary({"QQQ": "Invesco QQQ Trust", "SPY": "SPDR S&P 500"}, {}, frozenset())
READABLE = TablePolicy.classify(catalog()).readable


def context(dialect: Dialect = "duckdb") -> SchemaContext:
    infos = tuple(TableInfo(name, "", Privacy.PUBLIC, ()) for name in sorted(READABLE))
    return SchemaContext(dialect, infos)


@pytest.mark.parametrize(
    ("question", "restated", "column"),
    [
        ("What was the average daily return of QQQ in 2023?", "the mean daily return of QQQ",
         "average_daily_return_pct"),
        ("Average monthly return of SPY in 2024", "a month belongs to the period of its last bar",
         "average_monthly_return_pct"),
        ("Sharpe ratio of QQQ in 2024", "with no risk-free rate", "sharpe"),
        ("How many up days did SPY have in 2024?", "the number of up days of SPY", "up_days"),
        ("How many down weeks did SPY have in 2024?", "the number of down weeks", "down_weeks"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_return_statistics_are_restated_and_pass_the_guard(
    question: str, restated: str, column: str, dialect: Dialect
) -> None:
    translation = OfflineTranslator(VOCABULARY).translate(question, context(dialect))

    assert restated in translation.explanation
    assert column in translation.sql
    assert check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE).sql


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What is the average return of SPY?", "daily, weekly or monthly"),
        ("Sharpe ratio of QQQ with a risk-free rate of 4%", "without a risk-free rate"),
        ("Sharpe ratio and average daily return of QQQ", "one statistic"),
        ("average daily return of QQQ excluding March", "'exclud'"),
        ("What is the average daily return?", "needs the symbols"),
    ],
)
def test_return_statistic_near_misses_are_refused(question: str, reason: str) -> None:
    with pytest.raises(TranslationFailed) as refused:
        OfflineTranslator(VOCABULARY).translate(question, context())

    assert reason in str(refused.value)
