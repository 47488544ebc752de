"""Indicator questions: EMA, RSI, MACD and Bollinger bands read, restated, or refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.offline.parse import find_period
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.translation import TranslationFailed, Turn
from tetra.data.migrations import catalog

VOCABULARY = Vocabulary(
    {"AAPL": "Apple Inc.", "SPY": "SPDR S&P 500 ETF Trust", "NVDA": "NVIDIA", "BTC": "Bitcoin"},
    {"DGS10": "10-Year Treasury"},
    frozenset({"ai"}),
)
READABLE = TablePolicy.classify(catalog()).readable


def context(dialect: Dialect = "duckdb") -> SchemaContext:
    infos = tuple(TableInfo(name, "", Privacy.PUBLIC, ()) for name in sorted(READABLE))
    return SchemaContext(dialect, infos)


@pytest.fixture
def translator() -> OfflineTranslator:
    return OfflineTranslator(VOCABULARY)


@pytest.mark.parametrize(
    ("question", "restated"),
    [
        ("What is the 20-day EMA of SPY?", "20-day exponential moving average"),
        ("EMA(200) of AAPL", "200-day exponential moving average"),
        ("12-day EMA of bitcoin on 2024-06-30", "on 2024-06-30"),
        ("What is the RSI of AAPL?", "14-day relative strength index"),
        ("7-day relative strength index of BTC", "7-day relative strength index"),
        ("Which 3 ETFs have the highest RSI?", "the 3 highest first"),
        ("Which of the largest stocks has the highest RSI?", "the highest one only"),
        ("MACD of the largest stocks", "MACD(12, 26, 9) line, signal and histogram of the largest"),
        ("14-day RSI of NVDA over the last 2 weeks", "over the 2 weeks to its latest bar"),
        ("What is the MACD of NVDA?", "MACD(12, 26, 9) line, signal and histogram"),
        ("MACD signal line of AAPL", "MACD(12, 26, 9) signal line"),
        ("MACD(5,35,5) of SPY", "MACD(5, 35, 5)"),
        ("moving average convergence divergence of SPY", "MACD(12, 26, 9)"),
        ("Bollinger bands of SPY", "upper, middle and lower bands (20 days, 2 standard"),
        ("upper Bollinger band of SPY", "Bollinger upper band"),
    ],
)
@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_indicator_questions_are_restated_and_pass_the_guard(
    translator: OfflineTranslator, question: str, restated: str, dialect: Dialect
) -> None:
    translation = translator.translate(question, context(dialect))

    assert restated in translation.explanation
    assert check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE).sql


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Is AAPL's RSI overbought?", "'overbought'"),
        ("Is SPY above its 20-day EMA?", "'above'"),
        ("When did the MACD of SPY cross its signal line?", "'cross"),
        ("weekly RSI of SPY", "'weekly'"),
        ("RSI of AAPL over the last 30 days", "the indicator's length or the span"),
        ("EMA of SPY", "needs the indicator's length"),
        ("RSI and MACD of SPY", "one indicator at a time"),
        ("Which stocks have the highest MACD?", "ranks symbols by RSI only"),
        ("RSI of the 10-year yield", "not of economic series"),
        ("RSI of SPY volume", "'volume'"),
        ("What is the RSI?", "needs the symbols"),
        ("RSI(300) of SPY", "2 to 100 days"),
        ("Average true range of SPY", "simple and exponential moving averages, RSI"),
    ],
)
def test_indicator_near_misses_are_refused_with_a_suggestion(
    translator: OfflineTranslator, question: str, reason: str
) -> None:
    with pytest.raises(TranslationFailed) as refused:
        translator.translate(question, context())

    assert reason in str(refused.value)


def test_a_follow_up_keeps_the_indicator_and_changes_the_symbol(
    translator: OfflineTranslator,
) -> None:
    earlier = Turn("What is the RSI of AAPL?", "")

    translation = translator.translate("and for NVDA?", context(), [earlier])

    assert "relative strength index of NVDA" in translation.explanation
    assert "'NVDA'" in translation.sql
    assert "'AAPL'" not in translation.sql


def test_a_span_written_date_to_date_is_read_whole() -> None:
    period = find_period("in the week of 2025-03-03 to 2025-03-07")

    assert period is not None
    assert (period.first, period.last) == (dt.date(2025, 3, 3), dt.date(2025, 3, 7))
