"""Price statistics and the measures' variants: median, daily range, CAGR, closes beyond a level,
volume on a best or worst day, log or weekly returns, averaged dividends and spreads."""

from __future__ import annotations

import pytest

from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.translation import TranslationFailed
from tetra.data.migrations import catalog

VOCABULARY = Vocabulary(
    {"AAPL": "Apple Inc.", "SPY": "SPDR S&P 500", "TSLA": "Tesla", "KO": "Coca-Cola",
     "BTC": "Bitcoin"},
    {"DGS10": "10-Year Treasury", "DGS2": "2-Year Treasury"},
    frozenset(),
)  # fmt: skip
READABLE = TablePolicy.classify(catalog()).readable


def context(dialect: Dialect = "duckdb") -> SchemaContext:
    infos = tuple(TableInfo(name, "", Privacy.PUBLIC, ()) for name in sorted(READABLE))
    return SchemaContext(dialect, infos)


@pytest.mark.parametrize(
    ("question", "restated"),
    [
        ("Median close of AAPL in 2024", "the median daily close of AAPL"),
        ("What was AAPL's largest intraday range in 2024?", "the widest daily range"),
        ("annualized return of SPY over the last 5 years", "to the power 1/5"),
        ("bitcoin CAGR since 2020", "to the power 365.25 / days"),
        ("On how many days did AAPL close above 100 in 2024?", "strictly above 100"),
        ("What was the volume on AAPL's worst day?", "and its volume"),
        ("volatility of AAPL log returns over the last year", "daily log returns"),
        ("Volatility of SPY's monthly returns over the last 3 years", "not annualised"),
        ("Beta of TSLA against SPY using weekly returns in 2024", "TSLA's weekly returns"),
        ("What is KO's average dividend per payment?", "average cash amount per dividend"),
        ("average spread between the 10-year and 2-year yields in 2024", "averaged from 2024"),
        ("Which ETFs paid the highest total dividends in 2024?", "highest total of dividends"),
    ],
)
@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_statistics_are_restated_and_pass_the_guard(
    question: str, restated: str, dialect: Dialect
) -> None:
    translation = OfflineTranslator(VOCABULARY).translate(question, context(dialect))

    assert restated in translation.explanation
    assert check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE).sql


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("annualized return of SPY", "over whole trailing years or from a date"),
        ("annualized return of SPY over the last 6 months", "over whole trailing years"),
        ("median close", "needs the symbols"),
        ("volume on SPY's worst week", "volume of a best or worst day only"),
        ("average split of AAPL", "does not average them"),
        ("average change of the 10-year yield in 2024", "averages the spread"),
        ("average spread between the 10-year and 2-year yields", "period over which to average"),
        ("Which stock paid the most dividends in 2024?", "number of dividends or by their total"),
        ("highest total dividend of KO", "ranks a group's symbols"),
    ],
)
def test_statistic_near_misses_are_refused(question: str, reason: str) -> None:
    with pytest.raises(TranslationFailed) as refused:
        OfflineTranslator(VOCABULARY).translate(question, context())

    assert reason in str(refused.value)
