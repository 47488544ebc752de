"""Calendar questions: earnings and economic events listed, counted, last and next, or refused."""

from __future__ import annotations

import pytest

from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.translation import TranslationFailed, Turn
from tetra.data.migrations import catalog

VOCABULARY = Vocabulary(
    {"AAPL": "Apple Inc.", "NVDA": "NVIDIA", "MSFT": "Microsoft"},
    {"CPIAUCSL": "Consumer Price Index"},
    frozenset(),
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
        ("When did AAPL last report earnings?", "the latest report dated on or before"),
        ("When is NVDA's next earnings report?", "the first report dated after"),
        ("When did MSFT last report?", "the latest report dated on or before"),
        ("How many earnings reports did MSFT have in 2024?", "the number of earnings reports"),
        ("Which companies reported earnings on 2025-10-28?", "of the stocks on 2025-10-28"),
        ("When was the last FOMC meeting?", "among the FOMC rate decision events"),
        ("List the CPI releases in 2025", "the CPI events from 2025-01-01 to 2025-12-31"),
        ("Economic calendar for November 2025", "the economic calendar events from 2025-11-01"),
        ("high importance economic events in 2025-11", "the high-importance economic"),
    ],
)
@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_calendar_questions_are_restated_and_pass_the_guard(
    translator: OfflineTranslator, question: str, restated: str, dialect: Dialect
) -> None:
    translation = translator.translate(question, context(dialect))

    assert restated in translation.explanation
    assert check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE).sql


def test_now_is_the_stores_latest_bar_not_the_wall_clock(translator: OfflineTranslator) -> None:
    translation = translator.translate("When is NVDA's next earnings report?", context())

    assert "MAX(ts)" in translation.sql
    assert "CURRENT" not in translation.sql.upper().replace("CURRENT ROW", "")


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("How many times did AAPL beat EPS estimates in 2024?", "'beat'"),
        ("By how much did CPI rise in the last CPI release?", "'how much'"),
        ("What was NVDA's RSI on the day of its last earnings report?", "'rsi'"),
        ("What was AAPL's earnings surprise?", "'surprise'"),
        ("How did NVDA move after its earnings?", "'move'"),
        ("Earnings and FOMC meetings in 2025", "earnings and economic events apart"),
        ("When is AAPL's next earnings in 2025?", "as of the store's latest bar"),
        ("List all earnings", "within a period"),
        ("How many earnings reports were there?", "needs the symbols"),
        ("AAPL's FOMC meetings", "not per symbol"),
    ],
)
def test_calendar_near_misses_are_refused_with_a_suggestion(
    translator: OfflineTranslator, question: str, reason: str
) -> None:
    with pytest.raises(TranslationFailed) as refused:
        translator.translate(question, context())

    assert reason in str(refused.value)


def test_a_follow_up_asks_the_same_of_another_symbol(translator: OfflineTranslator) -> None:
    earlier = Turn("When did AAPL last report earnings?", "")

    translation = translator.translate("and for NVDA?", context(), [earlier])

    assert "for each of NVDA" in translation.explanation
