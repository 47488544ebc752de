"""The offline translator: common question shapes to SQL without any model.

`OfflineTranslator.translate` reads the entities of a question (`names`, `parse`), merges a
follow-up into the conversation (`followup`), then tries the families of `intents` (events,
indicators, correlation, volatility, drawdown, best and worst periods, resampling, data span,
the universe), then the older shapes below in this order: coverage, news, macro series, then
market data (top movers, charts of several symbols, highest/lowest close, averages, returns,
price history, latest price). A question mixing domains (a join of prices and news, say) or
asking for measures it does not compute is refused rather than answered wrongly: an
unanswered question costs less than a wrong number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NoReturn

import sqlglot

from tetra.chat.context import SchemaContext, Vocabulary
from tetra.chat.guard import Dialect, SqlRejected, check_sql
from tetra.chat.offline import sql as build
from tetra.chat.offline.followup import is_follow_up, merge
from tetra.chat.offline.intents import FAMILIES, check_qualifiers, without_extreme_move
from tetra.chat.offline.names import find_series, find_symbols
from tetra.chat.offline.parse import (
    ALL_TIME,
    Period,
    find_count,
    find_group,
    find_period,
    find_theme,
)
from tetra.chat.offline.question import DEFAULT_COUNT, Question, keywords
from tetra.chat.offline.sql import Built
from tetra.chat.translation import ProviderKind, Translation, TranslationFailed, Turn

__all__ = ["OFFLINE_MODEL", "OfflineTranslator"]

OFFLINE_MODEL = "offline translator"
LAST_YEAR = Period("trailing", amount=1, unit="YEAR")
LAST_MONTH = Period("trailing", amount=30, unit="DAY")
LATEST_SESSION = Period("trailing", amount=1, unit="DAY")

SHAPES = (
    "the latest price of symbols",
    "the return over a period",
    "top gainers, losers or movers (optionally among ETFs, stocks, crypto or a universe group)",
    "coverage of a symbol or a dataset",
    "symbols compared side by side",
    "the latest values or history of macro series (10-year yield, VIX, CPI, unemployment...)",
    "news sentiment and headlines for a symbol",
    "price history, highest or lowest close and average volume",
    "the best or worst day, week, month or year of a symbol or a group",
    "weekly, monthly, quarterly or yearly closes and returns",
    "volatility, the most or least volatile, maximum and current drawdown",
    "correlation and beta of two symbols' daily returns",
    "simple and exponential moving averages, RSI, MACD and Bollinger bands on the latest bar "
    "or dates (e.g. '20-day EMA of SPY', 'RSI of AAPL', 'which ETFs have the highest RSI')",
    "the first and last date of data, symbols by group or theme, dividends and splits",
    "the change of a macro series over a period and the spread between two series",
)
EXAMPLES = (
    "What is the latest close of AAPL?",
    "What was the return of SPY over the last 3 months?",
    "Top 5 crypto gainers year to date",
)
MODEL_SETTINGS = ("TETRA_LLM_CLOUD__BASE_URL", "TETRA_LLM_LOCAL__BASE_URL")
HELP = (
    "The offline translator (no language model) did not recognise this question. It answers "
    f"these shapes: {'; '.join(SHAPES)}. For example: "
    + ", ".join(f'"{e}"' for e in EXAMPLES)
    + ". For other questions configure a language model: "
    f"{MODEL_SETTINGS[0]} (a cloud model) or {MODEL_SETTINGS[1]} (a local one)."
)
HELP_DETAILS: dict[str, object] = {
    "shapes": list(SHAPES),
    "examples": list(EXAMPLES),
    "settings": list(MODEL_SETTINGS),
}


_UNSUPPORTED = keywords(
    r"correlat|covarian|beta\b|volatil(?!ity index)|drawdown|sharpe|sortino|std\b|stdev|"
    r"standard deviation|variance|median|moving average|sma\b|ema\b|rsi\b|macd|bollinger|"
    r"dividend|split|earnings|eps\b|revenue|range\b|ranges\b|gap(?:s| up| down)?\b(?! in)|"
    r"streak|consecutive|per (?:day|week|month|quarter|year)\b|monthly|weekly|quarterly|"
    r"annual|each (?:day|week|month|quarter|year)\b|by (?:day|week|month|quarter|year)\b|"
    r"how many (?:days|times|sessions|weeks|months)|days (?:when|where|with|on which)|"
    r"percentile|rank|above|below|more than|less than|greater than|exceed|cross|"
    r"trading days|sessions\b|vwap|intraday|open(?:ed|ing)\b|open price|daily high|daily low|"
    r"high of the day|low of the day|market cap|valuation|p/e\b|pe ratio|short interest|"
    r"publishers?\b|wrote the most|most articles|most (?:news|stories|coverage)|"
    r"annuali[sz]ed returns?|cagr|compound|average (?:daily |monthly |weekly )?returns?|"
    r"excess return|relative (?:return|performance|strength)|exclud|except\b|rolling|ratio\b|"
    r"(?:up|down|green|red|positive|negative|winning|losing) (?:days|sessions|weeks|months)"
)
_COVERAGE = keywords(
    r"coverage|covered|missing (?:days|bars|sessions|data|rows)|gaps? in|how much (?:data|"
    r"history)|data (?:do we have|coverage|span)|first and last (?:date|bar|day)|"
    r"how many (?:bars|rows)|stored (?:bars|rows)|datasets?\b"
)
_NEWS = keywords(r"sentiment|news|headlines?|articles?|stories|press|mood")
_HEADLINES = keywords(r"headlines?|titles?|(?:latest|recent|last) (?:news|articles|stories)|"
                    r"what (?:is|was|are) the news|show (?:me )?(?:the )?news")  # fmt: skip
_BY_LABEL = keywords(r"labels?|positive|negative|bullish|bearish|neutral|how many|counts?\b|"
                   r"breakdown|distribution")  # fmt: skip
_HISTORY = keywords(r"history|histor|over time|trend|chart|plot|graph|time series|series\b|"
                  r"path|evolution|each (?:day|observation)|values\b|daily (?:closes|prices)|"
                  r"closes\b|ohlc|candles|bars\b|prices? (?:over|during|in|since|for|from)|"
                  r"side by side|closing prices|"
                  r"close (?:over|during|since|from)")  # fmt: skip
_OHLC = keywords(r"ohlc|candles|bars\b|open,? high")
_MOVERS = keywords(
    r"gainers?|losers?|movers?|best[- ]performing|worst[- ]performing|performers?|"
    r"(?:rose|gained|fell|dropped|declined|rallied|moved|went up|went down|lost) (?:the )?most|"
    r"biggest (?:gains?|losses?|drops?|declines?|moves?|winners?)|winners?|best|worst|"
    r"outperform|underperform|strongest|weakest|top \d+|bottom \d+|top (?:stocks|etfs|coins)|"
    r"highest return|lowest return|performed (?:better|worse)|did better|did worse"
)
_LOSERS = keywords(r"losers?|worst|bottom|fell|dropped|declined|lost|weakest|underperform|"
                 r"biggest (?:drops?|declines?|losses?)|lowest return|did worse|"
                 r"performed worse")  # fmt: skip
_ABSOLUTE = keywords(r"movers?|moved (?:the )?most|biggest moves?")
_SINGULAR = re.compile(
    r"\bwhich of (?:the|these|those)\b|\b(?:the|which|what)\s+(?:single\s+)?"
    r"(?:(?:best|worst|top|biggest|strongest|weakest)[- ](?:performing\s+)?)?"
    r"(?:stock|etf|coin|crypto(?:currency)?|symbol|asset|fund|equity|company|token|one)\b(?!s)"
)
_EXTREME = keywords(r"highest|lowest|peak|(?:all[- ]time|record|52-week) (?:high|low)|"
                  r"max(?:imum)?\b|min(?:imum)?\b|trough|top close")  # fmt: skip
_AVERAGE = keywords(r"average|mean\b|avg\b|typical|adv\b")
_VOLUME = keywords(r"volume|traded|turnover")
_RETURN = keywords(
    r"returns?|perform|change|gain|loss|up\b|down\b|move|rise|rose|risen|fell|fall|drop|"
    r"grow|grew|appreciat|how much did|percent|%|did better|did worse|compare|vs\b|versus|"
    r"(?:has|have|did) .{1,40} (?:done|fared|performed)|how (?:is|are) .{1,40} doing|"
    r"how did .{1,40} (?:do|go|fare)\b"
)
_PRICE = keywords(r"price|close|closing|trading|quote|worth|last|latest|current|now|value|level|"
                r"cost|how much is")  # fmt: skip
_MARKET = keywords(r"price|close|closing|return|volume|perform")
_LATEST = keywords(r"latest|current|now|today|most recent|last (?:value|reading|print)")


class OfflineTranslator:
    """Translates common question shapes with rules, for when no model is configured."""

    kind = ProviderKind.OFFLINE
    model = OFFLINE_MODEL

    def __init__(self, vocabulary: Vocabulary | Callable[[], Vocabulary]) -> None:
        """Take the names to recognise, or a function giving the current ones (a cache)."""
        self._vocabulary = vocabulary

    @property
    def vocabulary(self) -> Vocabulary:
        known = self._vocabulary
        return known if isinstance(known, Vocabulary) else known()

    def translate(
        self, question: str, context: SchemaContext, history: Sequence[Turn] = ()
    ) -> Translation:
        """Return SQL for `question` or raise `TranslationFailed` naming the shapes understood.

        A follow-up ("and for QQQ?", "now over 5 years") is merged into the earlier questions
        of `history`; the explanation restates the whole question it answered.
        """
        built = self.build(question, [turn.question for turn in history])
        missing = sorted(built.tables - context.table_names)
        if missing:
            raise TranslationFailed(
                f"Offline translator: this question needs {', '.join(missing)}, which is not "
                "among the tables the chat may read here."
            )
        sql = _render(built, context.dialect)
        try:
            check_sql(sql, dialect=context.dialect, allowed_tables=context.table_names)
        except SqlRejected as rejected:
            raise TranslationFailed(
                f"Offline translator: its SQL was rejected by the guard ({rejected.reason})."
            ) from rejected
        return Translation(sql, f"Offline translator: {built.explanation}", self.kind, self.model)

    def build(self, question: str, earlier: Sequence[str] = ()) -> Built:
        """Return the query for `question` (after `earlier` ones), before table or guard checks."""
        parsed = self._parse(question)
        if is_follow_up(parsed):
            if not earlier:
                raise TranslationFailed(
                    "Offline translator: this reads as a follow-up, but there is no earlier "
                    'question to follow. Ask the whole question, e.g. "What was the return of '
                    'QQQ over the last year?"'
                )
            parsed = merge(self._conversation(earlier), parsed)
        built = self._build(parsed)
        if parsed.followed is None:
            return built
        return replace(
            built,
            explanation=f'{built.explanation} (follow-up of "{parsed.followed}")',
        )

    def _conversation(self, questions: Sequence[str]) -> Question:
        """Fold the earlier questions into the one the latest follow-up continues."""
        current = self._parse(questions[0])
        for text in questions[1:]:
            parsed = self._parse(text)
            current = merge(current, parsed) if is_follow_up(parsed) else parsed
        return current

    def _build(self, parsed: Question) -> Built:
        for family in FAMILIES:
            built = family(parsed)
            if built is not None:
                check_qualifiers(parsed, family)
                return built
        if (coverage := _coverage(parsed)) is not None:
            return coverage
        if match := _UNSUPPORTED.search(parsed.text):
            raise TranslationFailed(
                f"Offline translator: it does not compute {match[0]!r}-type questions. {HELP}",
                details=HELP_DETAILS,
            )
        for shape in _SHAPES:
            built = shape(parsed)
            if built is not None:
                return built
        raise TranslationFailed(f"Offline translator: {HELP}", details=HELP_DETAILS)

    def _parse(self, question: str) -> Question:
        text = re.sub(r"\s+", " ", question.lower()).strip()
        vocabulary = self.vocabulary
        group = find_group(text)
        theme = find_theme(text, vocabulary.themes)
        if group is not None and theme is not None and theme in group.value.split("_"):
            theme = None  # "growth stocks": the universe group, not the theme "growth"
        return Question(
            text=text,
            symbols=tuple(find_symbols(question, vocabulary)),
            series=tuple(find_series(text, vocabulary)),
            period=find_period(without_extreme_move(text)),
            count=find_count(text),
            group=group,
            theme=theme,
        )


def _render(built: Built, dialect: Dialect) -> str:
    if built.tree is not None:
        return built.tree.sql(dialect=dialect, pretty=True)
    if dialect == "postgres":
        return sqlglot.transpile(built.sql, read="duckdb", write="postgres", pretty=True)[0]
    return built.sql


# --- shapes: each returns a query, or None when the question is not of its shape ------------


def _coverage(q: Question) -> Built | None:
    if not q.has(_COVERAGE):
        return None
    if q.symbols or (q.group and not q.has(keywords("datasets?"))):
        return build.coverage_of_symbols(q.symbols, q.group)
    ohlcv = q.has(keywords(r"ohlcv|bars|prices|market data|price data"))
    return build.coverage_of_datasets(build.OHLCV if ohlcv else None)


def _news(q: Question) -> Built | None:
    if not q.has(_NEWS):
        return None
    if q.series or (q.has(_MARKET) and q.has(keywords("sentiment"))):
        _refuse_join()
    period = q.period or ALL_TIME
    if q.has(_HEADLINES) and not q.has(keywords("sentiment")):
        if len(q.symbols) != 1:
            return None
        return build.headlines(q.symbols[0], period, q.count or DEFAULT_COUNT)
    return build.sentiment(q.symbols, period, by_label=q.has(_BY_LABEL))


def _macro(q: Question) -> Built | None:
    if not q.series:
        return None
    if q.symbols:
        _refuse_join()
    if q.has(_AVERAGE) or q.has(_EXTREME):
        return None
    if (q.period is not None or q.has(_HISTORY)) and not q.has(_LATEST):
        return build.series_history(q.series, q.period or LAST_YEAR)
    return build.latest_values(q.series)


def _movers(q: Question) -> Built | None:
    if len(q.symbols) == 1 or not q.has(_MOVERS):
        return None
    period = q.period or LATEST_SESSION
    count = q.count or (1 if _SINGULAR.search(q.text) else DEFAULT_COUNT)
    direction, order = "highest", "return_pct DESC"
    if q.has(_ABSOLUTE):
        direction, order = "largest absolute", "ABS(end_bar.close / start_bar.close - 1) DESC"
    elif q.has(_LOSERS):
        direction, order = "lowest", "return_pct ASC"
    span = period.describe("each one's", "bar")
    measure = f"close-to-close return (in percent) {span}"
    if q.symbols:
        what = f"{build.words(q.symbols)} ranked by {measure}, {direction} first."
    else:
        among = q.group.label if q.group else "symbols"
        which = f"{count} {among}" if count > 1 else f"one of the {among}"
        what = f"the {which} with the {direction} {measure}."
    return build.returns(period, what, symbols=q.symbols, group=q.group, limit=count, order=order)


def _chart(q: Question) -> Built | None:
    if len(q.symbols) < 2 or not _wants_series(q) or q.has(keywords("return|perform|gain")):
        return None
    return build.close_series(q.symbols, q.period or LAST_YEAR)


def _extreme(q: Question) -> Built | None:
    if not q.symbols or not q.has(_EXTREME):
        return None
    if len(q.symbols) > 1:
        raise TranslationFailed(
            "Offline translator: ask for the highest or lowest close of one symbol at a time."
        )
    lowest = q.has(keywords(r"lowest|low\b|min|trough"))
    return build.extreme_close(q.symbols[0], q.period or ALL_TIME, highest=not lowest)


def _average_volume(q: Question) -> Built | None:
    if not q.symbols or not q.has(_VOLUME):
        return None
    if not q.has(_AVERAGE):
        raise TranslationFailed(
            f"Offline translator: it answers the average daily volume over a period. {HELP}",
            details=HELP_DETAILS,
        )
    return build.average_volume(q.symbols, q.period or LAST_MONTH)


def _returns(q: Question) -> Built | None:
    if not q.symbols or not q.has(_RETURN):
        return None
    period = q.period or LAST_YEAR
    if len(q.symbols) == 1:
        span = period.describe("its", "bar")
        what = f"close-to-close return of {q.symbols[0]} (in percent) {span}."
    else:
        span = period.describe("each one's", "bar")
        what = (
            f"close-to-close returns of {build.words(q.symbols)} (in percent) side by side {span}."
        )
    return build.returns(period, what, symbols=q.symbols)


_BARE_WORDS = 4


def _history(q: Question) -> Built | None:
    # A period alone asks for the history only in a bare question ("AAPL in 2024"): a longer
    # one names something else this shape does not compute.
    bare = q.period is not None and len(q.text.split()) <= _BARE_WORDS
    if len(q.symbols) != 1 or not (_wants_series(q) or bare):
        return None
    return build.price_history(q.symbols[0], q.period or LAST_YEAR, ohlc=q.has(_OHLC))


def _wants_series(q: Question) -> bool:
    return q.has(_HISTORY) and (q.period is not None or not q.has(_LATEST))


# Words asking for more than the latest close: the last shape must not swallow them.
_NOT_LATEST = keywords(
    r"best|worst|biggest|largest|smallest|highest|lowest|most|least|more|less|than|average|"
    r"total|sum|count|how many|ever|when|which (?:day|date|week|month)|first|rank|between"
)


_MOST_RECENT = keywords(r"most recent(?:ly)?")


def _latest(q: Question) -> Built | None:
    if not q.symbols or not (q.has(_PRICE) or len(q.text.split()) <= len(q.symbols) + 1):
        return None
    if _NOT_LATEST.search(_MOST_RECENT.sub(" ", q.text)):
        return None
    return build.latest_closes(q.symbols)


def _refuse_join() -> NoReturn:
    raise TranslationFailed(
        "Offline translator: it does not combine market data, macro series and news in one "
        f"query. {HELP}",
        details=HELP_DETAILS,
    )


_SHAPES: tuple[Callable[[Question], Built | None], ...] = (
    _news,
    _macro,
    _movers,
    _chart,
    _extreme,
    _average_volume,
    _returns,
    _history,
    _latest,
)
