"""The offline translator reads symbols, periods and series, and writes guarded, readable SQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot

from tetra.chat.context import SchemaContext, TableInfo, Vocabulary
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.offline import OfflineTranslator
from tetra.chat.offline.names import find_series, find_symbols
from tetra.chat.offline.parse import Period, find_count, find_group, find_period
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.translation import ProviderKind, TranslationFailed
from tetra.data.migrations import catalog

SYMBOLS = {
    "AAPL": "Apple Inc.",
    "NVDA": "NVIDIA Corporation",
    "SPY": "SPDR S&P 500 ETF Trust",
    "QQQ": "Invesco QQQ Trust",
    "BTC": "Bitcoin",
    "BCH": "Bitcoin Cash",
    "IBIT": "iShares Bitcoin Trust ETF",
    "ETH": "Ethereum",
    "V": "Visa Inc. Class A",
    "GE": "GE Aerospace",
    "GEV": "GE Vernova Inc.",
    "BRK.B": "Berkshire Hathaway Inc. Class B",
    "ONON": "On Holding AG",
    # Tickers that are English words, as a live store may hold them.
    "IT": "Gartner, Inc.",
    "ALL": "The Allstate Corporation",
    "A": "Agilent Technologies, Inc.",
    "NOW": "ServiceNow, Inc.",
    "SO": "The Southern Company",
    "ON": "ON Semiconductor Corporation",
}
SERIES = {
    "DGS10": "Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity",
    "DGS2": "Market Yield on U.S. Treasury Securities at 2-Year Constant Maturity",
    "T10Y2Y": "10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity",
    "VIXCLS": "CBOE Volatility Index: VIX",
    "FEDFUNDS": "Federal Funds Effective Rate",
    "CPIAUCSL": "Consumer Price Index for All Urban Consumers: All Items in U.S. City Average",
    "UNRATE": "Unemployment Rate",
    "GDP": "Gross Domestic Product",
    "MORTGAGE30US": "30-Year Fixed Rate Mortgage Average in the United States",
}
VOCABULARY = Vocabulary(SYMBOLS, SERIES)
READABLE = TablePolicy.classify(catalog()).readable


def context(dialect: Dialect = "duckdb", tables: frozenset[str] = READABLE) -> SchemaContext:
    infos = tuple(TableInfo(name, "", Privacy.PUBLIC, ()) for name in sorted(tables))
    return SchemaContext(dialect, infos)


@pytest.fixture
def translator() -> OfflineTranslator:
    return OfflineTranslator(VOCABULARY)


# --- symbols ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the latest close of AAPL?", ["AAPL"]),
        ("latest close of aapl and nvda", ["AAPL", "NVDA"]),
        ("How is Apple doing versus Nvidia?", ["AAPL", "NVDA"]),
        ("price of bitcoin", ["BTC"]),
        ("price of bitcoin cash", ["BCH"]),
        ("the iShares Bitcoin trust", ["IBIT"]),
        ("GE Vernova against GE", ["GEV", "GE"]),
        ("Berkshire Hathaway and BRK.B", ["BRK.B"]),
        ("brk-b latest", ["BRK.B"]),
        ("What did V close at?", ["V"]),
        ("Is IT a buy, or ALL of NOW?", ["IT", "ALL", "NOW"]),
        ("is it a buy, or all of it now? so be it, a day on", []),
        ("On Holding price", ["ONON"]),
        ("WHAT IS THE PRICE OF AAPL NOW", ["AAPL"]),
        ("$SPY vs $QQQ", ["SPY", "QQQ"]),
    ],
)
def test_symbols_are_read_from_tickers_and_names_in_question_order(
    question: str, expected: list[str]
) -> None:
    assert find_symbols(question, VOCABULARY) == expected


def test_word_tickers_are_read_only_when_written_in_upper_case() -> None:
    lower = find_symbols("so is it on now?", VOCABULARY)
    upper = find_symbols("SO is IT on NOW?", VOCABULARY)

    assert lower == []
    assert upper == ["SO", "IT", "NOW"]


# --- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("over the last 30 days", Period("trailing", amount=30, unit="DAY")),
        ("in the past 3 months", Period("trailing", amount=3, unit="MONTH")),
        ("last year", Period("trailing", amount=1, unit="YEAR")),
        ("over the past two weeks", Period("trailing", amount=2, unit="WEEK")),
        ("last quarter", Period("trailing", amount=3, unit="MONTH")),
        ("its 52-week high", Period("trailing", amount=52, unit="WEEK")),
        ("today", Period("trailing", amount=1, unit="DAY")),
        ("ytd", Period("to_date", unit="YEAR")),
        ("this year", Period("to_date", unit="YEAR")),
        ("year-to-date", Period("to_date", unit="YEAR")),
        ("month to date", Period("to_date", unit="MONTH")),
        ("so far this year", Period("to_date", unit="YEAR")),
        ("this week", Period("to_date", unit="WEEK")),
        ("week-to-date", Period("to_date", unit="WEEK")),
        ("this quarter", Period("to_date", unit="QUARTER")),
        ("qtd", Period("to_date", unit="QUARTER")),
        ("in 2023", Period("dates", first=dt.date(2023, 1, 1), last=dt.date(2023, 12, 31))),
        ("in march 2024", Period("dates", first=dt.date(2024, 3, 1), last=dt.date(2024, 3, 31))),
        ("since 2024-01-01", Period("dates", first=dt.date(2024, 1, 1))),
        ("since january 2025", Period("dates", first=dt.date(2025, 1, 1))),
        (
            "between 2024-03-01 and 2024-09-30",
            Period("dates", first=dt.date(2024, 3, 1), last=dt.date(2024, 9, 30)),
        ),
        (
            "from 2023 to 2024",
            Period("dates", first=dt.date(2023, 1, 1), last=dt.date(2024, 12, 31)),
        ),
        ("all-time high", Period("all")),
    ],
)
def test_periods_are_read_from_common_phrasings(text: str, expected: Period) -> None:
    assert find_period(text) == expected


def test_no_period_is_read_when_none_is_named() -> None:
    assert find_period("what is the latest close of aapl") is None


def test_a_trailing_period_counts_back_from_the_latest_row() -> None:
    period = Period("trailing", amount=30, unit="DAY")

    window = period.window("ts", "latest_ts")
    before = period.before("ts", "latest_ts")

    assert window == ["ts > latest_ts - INTERVAL 30 DAY"]
    assert before == "ts <= latest_ts - INTERVAL 30 DAY"


def test_a_dated_period_includes_its_last_day() -> None:
    period = Period("dates", first=dt.date(2023, 1, 1), last=dt.date(2023, 12, 31))

    window = period.window("ts", "unused")

    assert window == ["ts >= DATE '2023-01-01'", "ts < DATE '2024-01-01'"]
    assert period.before("ts", "unused") == "ts < DATE '2023-01-01'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("top 5 gainers", 5), ("the 3 worst etfs", 3), ("which 3 stocks fell", 3),
     ("top ten movers", 10), ("last 5 headlines", 5), ("over the last 30 days", None)],
)  # fmt: skip
def test_counts_are_read_from_top_n_phrasings(text: str, expected: int | None) -> None:
    assert find_count(text) == expected


@pytest.mark.parametrize(
    ("text", "column", "value"),
    [("top 5 etfs", "asset_class", "etf"), ("themed etfs", "universe_group", "themed_etfs"),
     ("crypto gainers", "asset_class", "crypto"), ("growth stocks", "universe_group",
     "growth_stocks"), ("worst stocks", "asset_class", "equity")],
)  # fmt: skip
def test_groups_are_read_from_asset_class_and_universe_words(
    text: str, column: str, value: str
) -> None:
    group = find_group(text)

    assert group is not None
    assert (group.column, group.value) == (column, value)


# --- series -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latest 10-year yield", ["DGS10"]),
        ("the ten year treasury yield", ["DGS10"]),
        ("yield on the 2-year", ["DGS2"]),
        ("the yield curve", ["T10Y2Y"]),
        ("10-year minus 2-year spread", ["T10Y2Y"]),
        ("current vix", ["VIXCLS"]),
        ("fed funds rate", ["FEDFUNDS"]),
        ("inflation", ["CPIAUCSL"]),
        ("unemployment and gdp", ["UNRATE", "GDP"]),
        ("dgs10 and dgs2", ["DGS10", "DGS2"]),
        ("the 30-year fixed rate mortgage average", ["MORTGAGE30US"]),
        ("2-year return of spy", []),
        ("last 10 years of aapl", []),
    ],
)
def test_series_are_read_by_id_words_and_titles(text: str, expected: list[str]) -> None:
    assert find_series(text, VOCABULARY) == expected


# --- shapes -----------------------------------------------------------------------------------

SHAPES = [
    ("What is the latest close of AAPL?", "latest daily close of AAPL", "market_data.ohlcv"),
    ("What was SPY's return over the last 30 days?", "return of SPY", "market_data.ohlcv"),
    ("How did Apple perform YTD?", "year to date", "market_data.ohlcv"),
    ("Return of QQQ in 2023", "from 2023-01-01 to 2023-12-31", "market_data.ohlcv"),
    ("Top 5 crypto gainers over the past 3 months", "5 crypto", "market_data.symbols"),
    ("Biggest losers among growth stocks last week", "lowest", "market_data.symbols"),
    ("top movers today", "largest absolute", "market_data.ohlcv"),
    ("Compare SPY and QQQ returns since 2024-01-01", "SPY and QQQ", "market_data.ohlcv"),
    ("Chart SPY vs QQQ closes over the last 6 months", "side by side", "market_data.ohlcv"),
    ("What is the coverage of AAPL?", "coverage of AAPL", "ops.coverage"),
    ("Show data coverage for each dataset", "each dataset", "ops.coverage"),
    ("latest 10-year yield", "latest value of DGS10", "economic_data.indicators"),
    ("latest CPI and unemployment", "CPIAUCSL and UNRATE", "economic_data.indicators"),
    ("the 2-year yield over the past year", "values of DGS2", "economic_data.indicators"),
    ("average sentiment of NVDA news", "average sentiment score", "news.sentiment"),
    ("How many bullish articles on NVDA this year?", "by sentiment label", "news.sentiment"),
    ("latest headlines for Apple", "headlines about AAPL", "news.articles"),
    ("price history of NVDA in 2024", "daily closes of NVDA", "market_data.ohlcv"),
    ("OHLC candles for BTC in november 2025", "open, high, low", "market_data.ohlcv"),
    ("What was the highest close of NVDA in 2024?", "highest daily close", "market_data.ohlcv"),
    ("all-time low of BTC", "lowest daily close", "market_data.ohlcv"),
    ("average daily volume of AAPL over 3 months", "average daily volume", "market_data.ohlcv"),
]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
@pytest.mark.parametrize(("question", "says", "table"), SHAPES)
def test_each_shape_gives_guard_passing_sql_with_a_one_sentence_explanation(
    translator: OfflineTranslator, question: str, says: str, table: str, dialect: Dialect
) -> None:
    translation = translator.translate(question, context(dialect))

    guarded = check_sql(translation.sql, dialect=dialect, allowed_tables=READABLE)
    assert table in guarded.tables
    assert translation.explanation.startswith("Offline translator: ")
    assert says in translation.explanation
    assert translation.explanation.count(". ") == 0
    assert (translation.provider, translation.model) == (ProviderKind.OFFLINE, translator.model)


@pytest.mark.parametrize(("question", "says", "table"), SHAPES)
def test_sql_is_pretty_printed_and_relative_to_the_data_not_the_clock(
    translator: OfflineTranslator, question: str, says: str, table: str
) -> None:
    sql = translator.translate(question, context()).sql

    assert "\n  " in sql
    assert max(len(line) for line in sql.splitlines()) <= 120
    assert not any(word in sql.upper() for word in ("CURRENT_DATE", "NOW()", "CURRENT_TIMESTAMP"))


def test_a_relative_period_is_anchored_on_the_latest_bar_of_the_symbol(
    translator: OfflineTranslator,
) -> None:
    sql = translator.translate("SPY daily closes over the last 30 days", context()).sql

    assert "(SELECT MAX(ts) FROM market_data.ohlcv WHERE symbol = 'SPY')" in sql
    assert "INTERVAL 30 DAY" in sql


def test_top_n_within_an_asset_class_filters_by_the_symbols_table(
    translator: OfflineTranslator,
) -> None:
    sql = translator.translate("top 5 ETFs in 2024", context()).sql

    assert "asset_class = 'etf'" in sql
    assert sql.rstrip().endswith("LIMIT 5")


def test_postgres_translation_is_transpiled_to_valid_postgres(
    translator: OfflineTranslator,
) -> None:
    sql = translator.translate("SPY return over the last 30 days", context("postgres")).sql

    assert "INTERVAL '30 DAY'" in sql
    assert "INTERVAL 30 DAY" not in sql
    assert sqlglot.parse_one(sql, read="postgres") is not None


def test_the_same_question_gives_the_same_sql(translator: OfflineTranslator) -> None:
    first = translator.translate("Top 5 gainers this year", context())
    second = OfflineTranslator(VOCABULARY).translate("Top 5 gainers this year", context())

    assert first == second


# --- refusals ---------------------------------------------------------------------------------


def test_unrecognised_question_names_the_offline_translator_its_shapes_and_the_llm_settings(
    translator: OfflineTranslator,
) -> None:
    with pytest.raises(TranslationFailed) as failed:
        translator.translate("Tell me a joke about bonds", context())

    message = str(failed.value)
    assert message.startswith("Offline translator:")
    assert "offline translator (no language model)" in message
    assert message.count('?"') + message.count('date"') >= 3  # three example questions
    assert "TETRA_LLM_CLOUD__BASE_URL" in message
    assert "TETRA_LLM_LOCAL__BASE_URL" in message


@pytest.mark.parametrize(
    "question",
    [
        "Which day had the largest gap up for AAPL?",
        "How many days did NVDA trade more than 1 million shares?",
        "Average volume of TSLA on days with bearish news sentiment and price drops",
        "What was the 10-year yield when SPY fell the most?",
    ],
)
def test_questions_outside_its_shapes_are_refused_rather_than_answered(
    translator: OfflineTranslator, question: str
) -> None:
    with pytest.raises(TranslationFailed, match="Offline translator"):
        translator.translate(question, context())


def test_a_question_needing_a_table_outside_the_context_is_refused_naming_it(
    translator: OfflineTranslator,
) -> None:
    without_news = READABLE - {"news.sentiment", "news.articles"}

    with pytest.raises(TranslationFailed, match=r"news\.sentiment"):
        translator.translate("average sentiment of NVDA news", context(tables=without_news))
