"""The offline translator's families: measures built as sqlglot trees, follow-ups, refusals."""

from __future__ import annotations

import pytest

from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.offline.parse import find_theme
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.translation import TranslationFailed, Turn
from tetra.data.migrations import catalog

SYMBOLS = {
    "AAPL": "Apple Inc.",
    "QQQ": "Invesco QQQ Trust",
    "SPY": "SPDR S&P 500 ETF Trust",
    "TSLA": "Tesla, Inc.",
    "BTC": "Bitcoin",
    "KO": "The Coca-Cola Company",
}
THEMES = frozenset({"quantum", "ai", "ai_infrastructure", "bitcoin", "dividend"})
VOCABULARY = Vocabulary(
    SYMBOLS, {"DGS10": "10-Year Treasury", "DGS2": "2-Year Treasury", "VIXCLS": "VIX"}, THEMES
)
READABLE = TablePolicy.classify(catalog()).readable


def context(dialect: Dialect = "duckdb") -> SchemaContext:
    infos = tuple(TableInfo(name, "", Privacy.PUBLIC, ()) for name in sorted(READABLE))
    return SchemaContext(dialect, infos)


@pytest.fixture
def translator() -> OfflineTranslator:
    return OfflineTranslator(VOCABULARY)


def test_biggest_one_day_drop_is_the_worst_daily_return_over_the_whole_history(
    translator: OfflineTranslator,
) -> None:
    translation = translator.translate("What was the biggest one-day drop of AAPL?", context())

    assert "worst day" in translation.explanation
    assert "over all the history" in translation.explanation
    assert "LAG(close)" in translation.sql
    assert "change ASC" in translation.sql
    assert "INTERVAL" not in translation.sql  # no "last day" window


@pytest.mark.parametrize(
    "question",
    [
        "What was the worst week for SPY in 2022?",
        "Best month of AAPL and QQQ",
        "Most volatile ETFs over the last year",
        "What was the maximum drawdown of QQQ in 2022?",
        "How far is SPY below its peak?",
        "What is the correlation between SPY and QQQ over the last year?",
        "What's the beta of TSLA?",
        "50-day moving average of AAPL on 2024-03-01",
        "Monthly returns of SPY in 2024",
        "Which ETFs are in the AI infrastructure theme?",
        "When does the data for AAPL start?",
        "How many dividends did KO pay in 2024?",
        "Which stocks had a split since 2023?",
        "What is the spread between the 10-year and 2-year yields?",
        "How much did the 10-year yield change over the last year?",
        "What is the VIX now compared to a year ago?",
    ],
)
@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_family_queries_are_rendered_in_the_stores_dialect_and_pass_the_guard(
    translator: OfflineTranslator, question: str, dialect: Dialect
) -> None:
    translation = translator.translate(question, context(dialect))

    guarded = check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE)
    assert guarded.sql
    if dialect == "postgres":
        assert "QUALIFY" not in translation.sql
        assert "INTERVAL '" in translation.sql or "INTERVAL" not in translation.sql


def test_beta_of_one_symbol_is_against_spy_and_says_so(translator: OfflineTranslator) -> None:
    translation = translator.translate("What's the beta of TSLA?", context())

    assert "beta of TSLA on SPY" in translation.explanation


def test_follow_up_replaces_the_symbol_and_keeps_the_measure(
    translator: OfflineTranslator,
) -> None:
    first = "What was the biggest one-day drop of AAPL?"
    history = [Turn(first, "")]

    translation = translator.translate("and for QQQ?", context(), history)

    assert "'QQQ'" in translation.sql
    assert "'AAPL'" not in translation.sql
    assert "worst day" in translation.explanation
    assert "follow-up" in translation.explanation


def test_follow_up_of_a_follow_up_changes_the_period(translator: OfflineTranslator) -> None:
    history = [Turn("What was the return of AAPL over the last year?", ""), Turn("and QQQ?", "")]

    translation = translator.translate("now over 5 years", context(), history)

    assert "'QQQ'" in translation.sql
    assert "5 years" in translation.explanation


def test_a_follow_up_without_an_earlier_question_is_refused(
    translator: OfflineTranslator,
) -> None:
    with pytest.raises(TranslationFailed, match="follow-up"):
        translator.translate("and for QQQ?", context())


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What was the biggest move of AAPL?", "over which span"),
        ("What was the biggest day of AAPL?", "gain or a fall"),
        ("What is the drawdown of SPY?", "maximum drawdown or the current"),
        ("What is the moving average of SPY?", "length of the moving average"),
        ("What is the stochastic of SPY?", "simple and exponential moving averages"),
        ("Is SPY above its 200-day moving average?", "not a comparison"),
        ("What is the correlation of SPY?", "exactly two symbols"),
        ("What is the dividend yield of KO?", "does not compute yields"),
    ],
)
def test_near_misses_are_refused_with_a_suggestion(
    translator: OfflineTranslator, question: str, reason: str
) -> None:
    with pytest.raises(TranslationFailed, match=reason) as failed:
        translator.translate(question, context())

    assert failed.value.details is not None
    assert "suggestion" in failed.value.details


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("which quantum stocks do we have", "quantum"),
        ("list the ai infrastructure names", "ai_infrastructure"),
        ("ai stocks", "ai"),
        ("symbols tagged with dividend", "dividend"),
        ("price of bitcoin", None),
        ("how many dividends did ko pay", None),
    ],
)
def test_a_theme_is_read_only_when_named_as_a_theme_or_a_basket(
    text: str, theme: str | None
) -> None:
    assert find_theme(text, THEMES) == theme


def test_a_follow_up_naming_a_series_keeps_the_change_and_its_period(
    translator: OfflineTranslator,
) -> None:
    history = [Turn("How much did the 10-year yield change over the last year?", "")]

    translation = translator.translate("and the 2-year yield?", context(), history)

    assert "'DGS2'" in translation.sql
    assert "change of DGS2 over the year" in translation.explanation


def test_a_change_without_a_period_is_refused(translator: OfflineTranslator) -> None:
    with pytest.raises(TranslationFailed, match="period over which"):
        translator.translate("How much did the 10-year yield change?", context())
