"""Question families answered with sqlglot builders: which family, which symbols, which period.

Each reader takes a parsed `Question` and returns a `Built` query, None when the question is
not of its family, or raises `TranslationFailed` when it is of its family but a part of it is
ambiguous or unsupported (with the closest phrasing that works): never a different question.
Readers run in the order of `FAMILIES`, before the older shapes of `translator`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tetra.chat.offline import families as build
from tetra.chat.offline import series_sql as series
from tetra.chat.offline.event_intents import calendar
from tetra.chat.offline.families import Selection
from tetra.chat.offline.indicator_intents import indicator
from tetra.chat.offline.parse import ALL_TIME, Period
from tetra.chat.offline.price_stats import PRICE_WORDS, price_statistics
from tetra.chat.offline.question import DEFAULT_COUNT, Question, keywords, refuse
from tetra.chat.offline.return_stats import STATISTIC_WORDS, return_statistics
from tetra.chat.offline.sql import Built
from tetra.chat.offline.world_intents import geopolitics, social

__all__ = ["FAMILIES", "check_qualifiers", "refuse", "without_extreme_move"]

LAST_YEAR = Period("trailing", amount=1, unit="YEAR")
BENCHMARK = "SPY"


# --- best and worst day, week, month ----------------------------------------------------------

_UNIT_OF = {
    "day": "DAY", "daily": "DAY", "session": "DAY", "one-day": "DAY", "single-day": "DAY",
    "1-day": "DAY", "one day": "DAY", "single day": "DAY", "week": "WEEK", "weekly": "WEEK",
    "month": "MONTH", "monthly": "MONTH", "year": "YEAR", "yearly": "YEAR", "annual": "YEAR",
}  # fmt: skip
_DOWN = r"drops?|falls?|declines?|loss(?:es)?|crash(?:es)?|plunges?|sell-?offs?"
_UP = r"gains?|rises?|jumps?|rall(?:y|ies)|surges?|advances?"
_EXTREME = re.compile(
    r"\b(best|worst|biggest|largest|strongest|weakest|sharpest|steepest|greatest|deepest)"
    r"(?:\s+\d+)?\s+(?:performing\s+|trading\s+|calendar\s+)?"
    r"(?:(one[- ]day|single[- ]day|1-day|daily|weekly|monthly|yearly|annual)\s+)?"
    rf"(days?|weeks?|months?|years?|sessions?|{_DOWN}|{_UP}|moves?|returns?)\b"
)
_WORST = re.compile(rf"\b(?:worst|weakest|{_DOWN})\b")
_BEST = re.compile(rf"\b(?:best|strongest|{_UP})\b")


def without_extreme_move(text: str) -> str:
    """Return `text` without its "biggest one-day drop": not a period of one day."""
    return _EXTREME.sub(" ", text)


def _extreme_moves(q: Question) -> Built | None:
    match = _EXTREME.search(q.text)
    if match is None or q.series:
        return None
    noun = (
        re.sub(r"s$", "", match[3]) if match[3].endswith(("days", "weeks", "months")) else match[3]
    )
    unit = _UNIT_OF.get(match[2] or "") or _UNIT_OF.get(noun.rstrip("s"))
    span = q.text[match.start() : match.end()]
    worst, best = _WORST.search(span) is not None, _BEST.search(span) is not None
    example = "What was the biggest one-day drop of AAPL?"
    if unit is None:
        refuse(f"it cannot tell over which span {match[0]!r} is measured.", example)
    if worst == best:
        refuse(f"it cannot tell whether {match[0]!r} means a gain or a fall.", example)
    period = q.period
    selection = q.selection()
    per_symbol = len(q.symbols) > 1
    plural = match[3].endswith("s") and match[3] != "loss"
    count = q.count or (DEFAULT_COUNT if plural else 1)
    volume = q.has(_VOLUME_ON)
    if volume and unit != "DAY":
        refuse(
            "it gives the volume of a best or worst day only.",
            "What was the volume on AAPL's worst day?",
        )
    return build.extreme_moves(
        selection, unit, period or ALL_TIME, worst=worst, limit=count, per_symbol=per_symbol,
        volume=volume,
    )  # fmt: skip


_VOLUME_ON = keywords(r"volume (?:on|of|during|traded on)\b")


# --- resampling -------------------------------------------------------------------------------

_RESAMPLE = re.compile(
    r"\b(weekly|monthly|quarterly|yearly|annual)\s+(returns?|performance|changes?|closes?|"
    r"closing prices?|prices?)\b"
    r"|\b(returns?|performance|closes?|closing prices?|prices?)\s+(?:by|per|for each|each|every)"
    r"\s+(week|month|quarter|year)\b"
    r"|\b(week|month|quarter|year)[- ]by[- ](?:week|month|quarter|year)\s+(returns?|closes?|"
    r"performance|prices?)"
)
_RESAMPLE_UNITS = {
    "weekly": "WEEK", "week": "WEEK", "monthly": "MONTH", "month": "MONTH",
    "quarterly": "QUARTER", "quarter": "QUARTER", "yearly": "YEAR", "annual": "YEAR",
    "year": "YEAR",
}  # fmt: skip


def _resampled(q: Question) -> Built | None:
    match = _RESAMPLE.search(q.text)
    if match is None or q.series:
        return None
    unit_word = match[1] or match[4] or match[5]
    measure = match[2] or match[3] or match[6]
    if not q.symbols and q.group is None and q.theme is None:
        refuse("it needs the symbols to resample.", "Monthly returns of SPY in 2024")
    returns = not re.match(r"close|closing|price", measure)
    return build.resampled(
        q.selection(), _RESAMPLE_UNITS[unit_word], q.period or LAST_YEAR, returns=returns
    )


# --- volatility, drawdown, correlation --------------------------------------------------------

_VOLATILITY = keywords(
    r"volatil(?!ity index)|standard deviation of (?:the )?(?:daily )?returns|std of returns"
)
_RANKED = re.compile(
    r"\b(most|least|highest|lowest|largest|smallest)\s+(?:\w+\s+)?(?:volatil|volatility)"
)


def _volatility(q: Question) -> Built | None:
    if not q.has(_VOLATILITY) or q.series:
        return None
    daily = q.has(keywords(r"daily (?:volatility|standard deviation|std)|standard deviation|std\b"))
    daily = daily and not q.has(keywords(r"annuali[sz]ed|annual"))
    if q.has(
        keywords(r"implied|realized vol(?:atility)? of (?:the )?vix|rolling|per (?:day|month)")
    ):
        refuse(
            "it computes the volatility of daily returns over one period per symbol only.",
            "What is the annualised volatility of SPY over the last year?",
        )
    if q.has(keywords(r"(?:more|less) volatile|than\b|compared")):
        refuse(
            "it gives each symbol's volatility, not a comparison between them.",
            "What is the annualised volatility of NVDA and SPY over the last year?",
        )
    ranked = _RANKED.search(q.text)
    order = None
    if ranked is not None:
        order = "DESC" if ranked[1] in ("most", "highest", "largest") else "ASC"
    elif not q.symbols and q.group is None and q.theme is None:
        return None
    count = q.ranked_count()
    return build.volatility(
        q.selection(), q.period or LAST_YEAR, annualised=not daily, ranked=order, limit=count,
        basis=_basis(q),
    )  # fmt: skip


_BASIS = re.compile(r"\b(?:(log)(?:arithmic)?|(weekly|monthly)) returns?\b")


def _basis(q: Question) -> str:
    """The returns a measure is taken of: "log returns", "weekly returns"... else daily."""
    found = _BASIS.search(q.text)
    return "daily" if found is None else found[1] or found[2]


_DRAWDOWN = keywords(
    r"drawdowns?|(?:below|off|from|under) (?:its|the|their) (?:all[- ]time )?(?:peak|high|top)s?"
)
_MAXIMUM = keywords(r"max(?:imum)?|worst|largest|biggest|deepest|greatest")
_CURRENT = keywords(r"current|currently|now|today|right now|latest|at the moment|below|off|from")


def _drawdown(q: Question) -> Built | None:
    if not q.has(_DRAWDOWN) or q.series:
        return None
    if not q.symbols and q.group is None and q.theme is None:
        refuse("it needs the symbols whose drawdown to compute.", "Max drawdown of QQQ in 2022")
    maximum, current = q.has(_MAXIMUM), q.has(_CURRENT) and not q.has(keywords("drawdown"))
    current = current or (q.has(_CURRENT) and not maximum)
    if not maximum and not current and q.period is None:
        refuse(
            "it cannot tell whether you mean the maximum drawdown or the current one.",
            "What is the maximum drawdown of SPY over the last 3 years?",
        )
    current = current and not maximum
    if current and q.period is not None and q.period.kind == "dates" and q.period.last:
        refuse(
            "it measures a current drawdown from the peak of a period that runs to the latest "
            "bar, not from a past period's peak.",
            "How far is SPY below its peak since 2020?",
        )
    return build.drawdown(q.selection(), q.period or ALL_TIME, current=current)


_CORRELATION = keywords(r"correlat")
_BETA = keywords(r"beta\b")


def _correlation(q: Question) -> Built | None:
    beta = q.has(_BETA)
    if not (q.has(_CORRELATION) or beta) or q.series:
        return None
    symbols = q.symbols
    if beta and len(symbols) == 1 and symbols[0] != BENCHMARK:
        symbols = (symbols[0], BENCHMARK)
    if len(symbols) != 2 or (beta and q.has(_CORRELATION)):
        refuse(
            "it computes the correlation or the beta of exactly two symbols' daily returns.",
            "What is the correlation between SPY and QQQ over the last year?",
        )
    return build.correlation(
        symbols[0], symbols[1], q.period or LAST_YEAR, beta=beta, basis=_basis(q)
    )


# --- indicators -------------------------------------------------------------------------------

_SMA = re.compile(
    r"\b(\d{1,3})[- ]?(?:day|d|bar|session)s?\s+(?:simple\s+)?(?:moving average|sma|ma|dma)\b"
    r"|\bsma\s*\(?(\d{1,3})\b|\bmoving average (?:over|of) (?:the last )?(\d{1,3}) (?:days|bars)"
)
_OTHER_INDICATORS = keywords(r"stochastic|atr\b|average true range|vwap|adx\b|obv\b|wma\b")


def _moving_average(q: Question) -> Built | None:
    if q.has(_OTHER_INDICATORS):
        refuse(
            "among the indicators it computes simple and exponential moving averages, RSI, "
            "MACD and Bollinger bands of the close.",
            "What is the 50-day moving average of SPY?",
        )
    if not q.has(keywords(r"moving average|sma\b|\d+[- ]?d?ma\b")):
        return None
    match = _SMA.search(q.text)
    example = "What is the 200-day moving average of SPY?"
    if match is None:
        refuse("it needs the length of the moving average, in days.", example)
    if not q.symbols:
        refuse("it needs the symbols whose moving average to compute.", example)
    if q.has(keywords(r"above|below|cross")):
        refuse("it gives the moving average itself, not a comparison with it.", example)
    window = int(match[1] or match[2] or match[3])
    if not 2 <= window <= 500:
        refuse("it computes moving averages of 2 to 500 days.", example)
    on = q.period if q.period is not None and q.period.kind == "dates" else None
    if q.period is not None and on is None and not q.followed:
        refuse("it gives a moving average on the latest bar or on dates.", example)
    return build.moving_average(q.symbols, window, on)


# --- the universe, its data and its events ----------------------------------------------------

_HOW_MANY = keywords(r"how many|number of|count of|count the")
_LISTING = keywords(r"which|list|show|what are|name the|give me")
_MEMBERS = keywords(
    r"symbols|tickers|instruments|stocks|etfs|funds|coins|cryptos?|cryptocurrencies|tokens|"
    r"companies|names|assets|members|constituents"
)
_MEASURED = keywords(
    r"returns?|perform|gain|los[se]|price|close|volume|volatil|drawdown|dividend|split|"
    r"best|worst|top\b|bottom\b|highest|lowest|most|least|rose|fell|up\b|down\b|news|sentiment|"
    r"data|coverage|bars|history|move"
)
_PER_GROUP = keywords(r"(?:each|every|per|by) (?:universe )?group")


def _universe(q: Question) -> Built | None:
    if q.symbols or q.series or not q.has(_MEMBERS) or q.has(_MEASURED):
        return None
    selection = Selection(group=q.group, theme=q.theme)
    if q.has(_HOW_MANY):
        return build.symbol_count(selection, per_group=q.has(_PER_GROUP))
    if q.has(_LISTING):
        return build.list_symbols(selection)
    return None


_SPAN = keywords(
    r"first (?:and last )?(?:date|day|bar)|last (?:date|day|bar) of (?:data|history)|earliest|"
    r"oldest (?:date|bar|data)|how far back|"
    r"when does (?:the )?(?:data|history).{0,30}(?:start|begin)|"
    r"(?:data|history) (?:start|begin)|date range|span of (?:the )?(?:data|history)"
)


def _data_span(q: Question) -> Built | None:
    if not q.has(_SPAN) or q.series or q.has(keywords(r"coverage|missing|gaps?\b|expected")):
        return None
    if not (q.symbols or q.group or q.theme or q.has(keywords("every|each|all"))):
        return None  # a dataset's span: the coverage shape answers it
    return build.data_span(q.selection())


_DIVIDEND = keywords(r"dividends?|payouts?|distributions?")
_SPLIT = keywords(r"splits?|split\b")


_AVERAGE = keywords(r"average|mean\b|avg\b")
_DIVIDEND_RANK = re.compile(
    r"\b(highest|largest|biggest|most(?! recent)|top|lowest|least|smallest)\b"
    r"(?:\s+\d+)?(?:\s+\w+){0,2}?\s+(?:total\s+)?(?:dividends?|payouts?|distributions?)\b"
)


def _ranked_dividends(q: Question, *, descending: bool) -> Built:
    if q.symbols or q.has(_AVERAGE):
        refuse(
            "it ranks a group's symbols by the total of their dividends per share only.",
            "Which ETFs paid the highest total dividends in 2024?",
        )
    if not q.has(keywords(r"total|amount|sum\b|per share|payers?")):
        refuse(
            "it cannot tell whether the ranking is by the number of dividends or by their "
            "total per share.",
            "Which ETFs paid the highest total dividends in 2024?",
        )
    count = q.ranked_count()
    return build.ranked_dividends(
        q.selection(), q.period or ALL_TIME, descending=descending, limit=count
    )


def _corporate_actions(q: Question) -> Built | None:
    if q.series:
        return None
    if q.has(_SPLIT) and q.has(_AVERAGE):
        refuse("it lists splits; it does not average them.", "Which stocks had a split since 2023?")
    if q.has(_SPLIT):
        return build.splits(q.selection(), q.period or ALL_TIME)
    if not q.has(_DIVIDEND):
        return None
    if q.has(keywords(r"yield|growth|payout ratio|next|upcoming|future")):
        refuse(
            "it lists stored dividends (ex-date and cash amount); it does not compute yields "
            "or forecasts.",
            "How many dividends did KO pay in 2024?",
        )
    if ranked := _DIVIDEND_RANK.search(q.text):
        return _ranked_dividends(q, descending=ranked[1] not in ("lowest", "least", "smallest"))
    if q.has(keywords(r"how many|number of|count|total|sum")):
        summary = "total"
    elif q.has(_AVERAGE):
        summary = "average"
    elif q.has(keywords(r"last|latest|most recent|recent")) and q.period is None:
        summary = "last"
    else:
        summary = "list"
    return build.dividends(q.selection(), q.period or ALL_TIME, summary=summary)


# --- macro comparisons ------------------------------------------------------------------------

_SPREAD = keywords(r"spread between|difference between|minus|spread of")
_CHANGE = keywords(
    r"change[ds]?\b|how much did|how much has|rise|rose|risen|fall|fell|fallen|"
    r"compared (?:to|with)|than (?:a|one|\d+) (?:year|month|week)s? ago|ago\b"
)


def _macro_comparison(q: Question) -> Built | None:
    if not q.series or q.symbols:
        return None
    average = q.has(_AVERAGE)
    if q.has(_SPREAD) and len(q.series) == 2:
        if average and q.period is None:
            refuse("it needs the period over which to average the spread.",
                   "Average spread between the 10-year and 2-year yields in 2024")  # fmt: skip
        return series.series_spread(q.series[0], q.series[1], q.period, average=average)
    if average:
        refuse("it averages the spread between two series only.",
               "Average spread between the 10-year and 2-year yields in 2024")  # fmt: skip
    if not q.has(_CHANGE):
        return None
    period = q.period or _ago(q)
    if period is None:
        refuse(
            "it needs the period over which the series changed.",
            "How much did the 10-year yield change over the last year?",
        )
    return series.series_change(q.series, period)


def _ago(q: Question) -> Period | None:
    match = re.search(r"\b(a|one|\d+) (year|month|week)s? ago\b", q.text)
    if match is None:
        return None
    amount = 1 if match[1] in ("a", "one") else int(match[1])
    return Period("trailing", amount=amount, unit=match[2].upper())


FAMILIES: tuple[Callable[[Question], Built | None], ...] = (
    calendar,
    geopolitics,
    social,
    _macro_comparison,
    _corporate_actions,
    indicator,
    return_statistics,
    price_statistics,
    _moving_average,
    _correlation,
    _volatility,
    _drawdown,
    _extreme_moves,
    _resampled,
    _data_span,
    _universe,
)


# --- qualifiers no family computes: refused rather than dropped --------------------------------

_QUALIFIERS = keywords(
    r"median|rolling|excess|exclud|except\b|other than|ignoring|ratio\b|cagr|compound|"
    r"sharpe|sortino|annuali[sz]ed returns?|average|mean\b|avg\b|intraday|volume|percentile|"
    r"recover|adjusted|log returns?|in dollars|per share price|each day|every day|hourly"
)
_VERSUS = keywords(
    r"relative to|versus|vs\b|against|minus|compared (?:to|with)|outperform|underperform|spread"
)
_RETURN_SPANS = keywords(r"(?:weekly|monthly|quarterly|yearly|annual) (?:returns?|changes?|data)")


def check_qualifiers(q: Question, family: Callable[[Question], Built | None]) -> None:
    """Refuse a family's answer when the question qualifies it in a way it does not compute."""
    text = re.sub(r"moving average|standard deviation", " ", q.text)
    if family is return_statistics:
        text = STATISTIC_WORDS.sub(" ", text)
    if family is price_statistics:
        text = PRICE_WORDS.sub(" ", text)
    if family in (_volatility, _correlation):
        text = _BASIS.sub(" ", text)
    if family is _extreme_moves:
        text = _VOLUME_ON.sub(" ", text)
    if family in (_corporate_actions, _macro_comparison):
        text = _AVERAGE.sub(" ", text)  # these families average only what they can
    if family is _resampled:
        text = _RESAMPLE.sub(" ", text)
    found = _QUALIFIERS.search(text)
    if found is None and family not in (_correlation, _macro_comparison):
        found = _VERSUS.search(text)
    if found is None and family in (_correlation, _volatility, _drawdown):
        found = _RETURN_SPANS.search(text)
    if found is not None:
        refuse(
            f"it understood the measure but not {found[0]!r}, which it does not compute; it "
            "would rather not answer a different question.",
            _EXAMPLES.get(family, "What was the biggest one-day drop of AAPL?"),
        )


_EXAMPLES: dict[Callable[[Question], Built | None], str] = {
    _macro_comparison: "How much did the 10-year yield change over the last year?",
    _corporate_actions: "How many dividends did KO pay in 2024?",
    _moving_average: "What is the 50-day moving average of SPY?",
    indicator: "What is the 14-day RSI of AAPL?",
    calendar: "When did AAPL last report earnings?",
    return_statistics: "What was the average daily return of QQQ in 2023?",
    price_statistics: "What is the annualized return of SPY over the last 5 years?",
    _correlation: "What is the correlation between SPY and QQQ over the last year?",
    _volatility: "What is the annualised volatility of SPY over the last year?",
    _drawdown: "What was the maximum drawdown of QQQ in 2022?",
    _extreme_moves: "What was the worst week of SPY in 2022?",
    _resampled: "Monthly returns of SPY in 2024",
    _data_span: "When does the data for AAPL start?",
    _universe: "Which ETFs are in the AI infrastructure theme?",
}
