"""sqlglot queries for the offline translator's measures: one builder per question family.

Every builder returns a `Built` whose `tree` is a sqlglot expression, rendered in the store's
own dialect by the translator. Conventions (the evaluation set's references follow them):
daily bars; a daily return is close over the previous close minus one, computed over the whole
history before any period filter; percent values end in ``_pct``; trailing periods end at each
symbol's latest bar; annualised volatility scales by sqrt(365) for crypto, sqrt(252) otherwise;
weeks start on Monday, and a week, month or year is dated by its first day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from tetra.chat.offline.parse import Group, Period
from tetra.chat.offline.sql import OHLCV, SYMBOLS, Built, quoted, words
from tetra.chat.offline.trees import DIALECT as _DIALECT
from tetra.chat.offline.trees import built as _built
from tetra.chat.offline.trees import select as _select
from tetra.chat.offline.trees import span as _span
from tetra.chat.offline.trees import where as _where

__all__ = [
    "ACTIONS",
    "Selection",
    "correlation",
    "daily_moves",
    "data_span",
    "dividends",
    "drawdown",
    "extreme_moves",
    "list_symbols",
    "moving_average",
    "period_moves",
    "ranked_dividends",
    "resampled",
    "splits",
    "symbol_count",
    "volatility",
]

ACTIONS = "market_data.corporate_actions"
EACH = "each one's"
_CHANGE = "close / LAG(close) OVER (PARTITION BY symbol ORDER BY ts) - 1 AS change"
_LATEST = "MAX(ts) OVER (PARTITION BY symbol) AS latest_ts"
_CRYPTO = f"symbol IN (SELECT symbol FROM {SYMBOLS} WHERE asset_class = 'crypto')"


@dataclass(frozen=True, slots=True)
class Selection:
    """Which symbols a question is about: named ones, a group or a theme, or all of them."""

    symbols: tuple[str, ...] = ()
    group: Group | None = None
    theme: str | None = None

    def condition(self) -> str | None:
        """Return the SQL condition on `symbol`, or None for every symbol."""
        if self.symbols:
            return f"symbol IN ({quoted(self.symbols)})"
        members = self.member_condition()
        return f"symbol IN (SELECT symbol FROM {SYMBOLS} WHERE {members})" if members else None

    def member_condition(self) -> str | None:
        """Return the condition on market_data.symbols' columns (group and theme), or None."""
        conditions = []
        if self.group is not None:
            conditions.append(f"{self.group.column} = {quoted([self.group.value])}")
        if self.theme is not None:
            conditions.append(_theme(self.theme))
        return " AND ".join(conditions) or None

    @property
    def tables(self) -> frozenset[str]:
        return frozenset() if self.symbols or self.is_everything else frozenset({SYMBOLS})

    @property
    def is_everything(self) -> bool:
        return not self.symbols and self.group is None and self.theme is None

    def describe(self) -> str:
        if self.symbols:
            return words(self.symbols)
        members = self.group.label if self.group else "symbols"
        if self.theme is not None:
            return f"the {members} of the {self.theme.replace('_', ' ')!r} theme"
        return f"the {members}" if self.group else "every symbol"


def _theme(theme: str) -> str:
    # themes is a JSON list of tags; its text form holds each tag in double quotes on both stores.
    pattern = quoted(['%"' + theme + '"%'])
    return f"CAST(themes AS VARCHAR) LIKE {pattern}"


def _daily(selection: Selection, *extra: str) -> exp.Select:
    """Daily bars of the selection with their return and each symbol's latest bar."""
    query = _select("symbol", "ts", "close", _CHANGE, _LATEST, *extra).from_(OHLCV)
    return _where(query, "interval = '1d'", selection.condition())


_LOG_CHANGE = "LN(close / LAG(close) OVER (PARTITION BY symbol ORDER BY ts)) AS change"
BASES = ("daily", "log", "weekly", "monthly")


def _returns_of(selection: Selection, basis: str) -> exp.Select:
    """The returns of the selection a measure is taken of: daily, daily log, weekly, monthly."""
    if basis == "log":
        query = _select("symbol", "ts", "close", _LOG_CHANGE, _LATEST).from_(OHLCV)
        return _where(query, "interval = '1d'", selection.condition())
    if basis in ("weekly", "monthly"):
        return period_moves(selection, "WEEK" if basis == "weekly" else "MONTH")
    return _daily(selection)


# --- best and worst moves ---------------------------------------------------------------------

_UNIT_WORDS = {
    "DAY": "day", "WEEK": "week", "MONTH": "month", "QUARTER": "quarter", "YEAR": "year"
}  # fmt: skip


def extreme_moves(
    selection: Selection,
    unit: str,
    period: Period,
    *,
    worst: bool,
    limit: int,
    per_symbol: bool,
    volume: bool = False,
) -> Built:
    """Best or worst daily, weekly, monthly or yearly returns, with their dates.

    With `volume` (days only), each best or worst day is given with its volume instead of its
    return ("the volume on AAPL's worst day").
    """
    moves = daily_moves(selection) if unit == "DAY" else period_moves(selection, unit)
    if volume:
        moves = moves.select("volume", dialect=_DIALECT)
    order = "change ASC" if worst else "change DESC"
    label = "date" if unit == "DAY" else _UNIT_WORDS[unit]
    value = "volume" if volume else "100 * change AS return_pct"
    query = _select("symbol", f"CAST(start AS DATE) AS {label}", value)
    query = _where(query.from_("moves"), "change IS NOT NULL", *period.window("ts", "latest_ts"))
    if per_symbol:
        query = query.qualify(
            f"ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY {order}) = 1", dialect=_DIALECT
        )
        query = query.order_by("symbol", dialect=_DIALECT)
    else:
        query = query.order_by(order, "symbol", dialect=_DIALECT).limit(limit)
    tree = query.with_("moves", as_=moves, dialect=_DIALECT)
    which = "worst" if worst else "best"
    how = "the largest fall" if worst else "the largest gain"
    noun = _UNIT_WORDS[unit]
    count = f"{limit} {which} {noun}s" if limit > 1 else f"{which} {noun}"
    who = "each of " + selection.describe() if per_symbol else selection.describe()
    what = (
        f"the {count} ({how}, close to close, in percent) of {who} {_span(period)}, "
        f"with the {'date' if unit == 'DAY' else noun + ' (dated by its first day)'}"
    )
    what += ", and its volume (the return is not shown)." if volume else "."
    return _built(tree, what, selection.tables)


def daily_moves(selection: Selection) -> exp.Select:
    """Daily closes of the selection with their return (`change`) and `start` (the bar)."""
    return _daily(selection, "ts AS start")


def period_moves(selection: Selection, unit: str) -> exp.Select:
    """The last close of each week, month or year, and its return over the previous one's."""
    bucket = f"DATE_TRUNC('{unit.lower()}', CAST(ts AS DATE))"
    closes = _daily(selection, f"{bucket} AS start")
    closes = closes.qualify(
        f"ROW_NUMBER() OVER (PARTITION BY symbol, {bucket} ORDER BY ts DESC) = 1",
        dialect=_DIALECT,
    )
    return _select(
        "symbol", "ts", "start", "latest_ts",
        "close / LAG(close) OVER (PARTITION BY symbol ORDER BY ts) - 1 AS change",
    ).from_(closes.subquery("closes"))  # fmt: skip


def resampled(selection: Selection, unit: str, period: Period, *, returns: bool) -> Built:
    """The last close (or the return) of each week, month or year, oldest first."""
    noun = _UNIT_WORDS[unit]
    value = "100 * change AS return_pct" if returns else "close"
    keys = [] if len(selection.symbols) == 1 else ["symbol"]
    query = _select(*keys, f"CAST(start AS DATE) AS {noun}", value).from_("periods")
    filters = ["change IS NOT NULL"] if returns else []
    query = _where(query, *filters, *period.window("ts", "latest_ts"))
    query = query.order_by(*keys, "start", dialect=_DIALECT)
    moves = period_moves(selection, unit)
    moves = moves.select("close", dialect=_DIALECT)
    tree = query.with_("periods", as_=moves, dialect=_DIALECT)
    measure = (
        f"{noun}ly return (close to close, in percent)" if returns else f"last close of each {noun}"
    )
    if unit == "DAY":
        measure = "daily return" if returns else "daily close"
    what = f"the {measure} of {selection.describe()} {_span(period)}, oldest first."
    return _built(tree, what, selection.tables)


# --- risk -------------------------------------------------------------------------------------


def volatility(
    selection: Selection,
    period: Period,
    *,
    annualised: bool,
    ranked: str | None,
    limit: int,
    basis: str = "daily",
) -> Built:
    """Standard deviation of returns per symbol, in percent, optionally annualised.

    `basis` is daily (the default), log (daily log returns), weekly or monthly; weekly and
    monthly ones are never annualised.
    """
    annualised = annualised and basis in ("daily", "log")
    scale = f" * SQRT(CASE WHEN {_CRYPTO} THEN 365 ELSE 252 END)" if annualised else ""
    query = _select("symbol", f"100 * STDDEV_SAMP(change){scale} AS volatility_pct")
    query = _where(
        query.from_("daily"), "change IS NOT NULL", *period.window("ts", "latest_ts")
    ).group_by("symbol", dialect=_DIALECT)
    if ranked is not None:
        query = query.order_by(f"volatility_pct {ranked}", "symbol", dialect=_DIALECT).limit(limit)
    else:
        query = query.order_by("symbol", dialect=_DIALECT)
    tree = query.with_("daily", as_=_returns_of(selection, basis), dialect=_DIALECT)
    returns = {"daily": "daily returns", "log": "daily log returns"}.get(
        basis, f"{basis} returns (a {basis[:-2]} belongs to the period of its last bar)"
    )
    kind = (
        f"annualised volatility (standard deviation of {returns} x sqrt(252), sqrt(365) "
        "for crypto, in percent)"
        if annualised
        else f"volatility (standard deviation of {returns}, in percent, not annualised)"
    )
    if ranked is None:
        what = f"the {kind} of {selection.describe()} {_span(period, EACH)}."
    else:
        order = "most" if ranked == "DESC" else "least"
        what = (
            f"the {limit} {order} volatile of {selection.describe()} by {kind} "
            f"{_span(period, EACH)}."
        )
    tables = selection.tables | ({SYMBOLS} if annualised else set())
    return _built(tree, what, tables)


def drawdown(selection: Selection, period: Period, *, current: bool) -> Built:
    """The largest fall from a running peak inside the period, or the fall now from it."""
    peak = "MAX(close) OVER (PARTITION BY symbol ORDER BY ts ROWS UNBOUNDED PRECEDING) AS peak"
    inside = _where(
        _select("symbol", "ts", "close", "latest_ts", peak).from_("daily"),
        *period.window("ts", "latest_ts"),
    )
    if current:
        query = _where(
            _select(
                "symbol", "CAST(ts AS DATE) AS date", "100 * (close / peak - 1) AS drawdown_pct"
            ).from_("peaks"),
            "ts = latest_ts",
        ).order_by("symbol", dialect=_DIALECT)
        what = (
            f"how far the latest close of {selection.describe()} is below its highest close "
            f"{_span(period)} (in percent, 0 at a new high), with the date."
        )
    else:
        query = (
            _select("symbol", "100 * MIN(close / peak - 1) AS max_drawdown_pct")
            .from_("peaks")
            .group_by("symbol", dialect=_DIALECT)
            .order_by("symbol", dialect=_DIALECT)
        )
        what = (
            f"the maximum drawdown of {selection.describe()} {_span(period)}: the largest "
            "fall of a close from the highest close before it in the period, in percent."
        )
    tree = query.with_("daily", as_=_daily(selection), dialect=_DIALECT).with_(
        "peaks", as_=inside, dialect=_DIALECT
    )
    return _built(tree, what, selection.tables)


def correlation(
    first: str, second: str, period: Period, *, beta: bool, basis: str = "daily"
) -> Built:
    """Correlation of two symbols' returns, or the beta of the first on the second.

    Weekly or monthly returns pair on their week or month; daily ones on their day.
    """
    pair = Selection((first, second))
    key = "ts" if basis in ("daily", "log") else "start"
    joined = _where(
        _select("a.ts", "a.change AS x", "b.change AS y", "a.latest_ts")
        .from_("daily AS a")
        .join("daily AS b", on=f"b.{key} = a.{key}", dialect=_DIALECT),
        f"a.symbol = {quoted([first])}",
        f"b.symbol = {quoted([second])}",
    )
    measure = "REGR_SLOPE(x, y) AS beta" if beta else "CORR(x, y) AS correlation"
    query = _where(
        _select(measure).from_("pairs"),
        "x IS NOT NULL",
        "y IS NOT NULL",
        *period.window("ts", "latest_ts"),
    )
    tree = query.with_("daily", as_=_returns_of(pair, basis), dialect=_DIALECT).with_(
        "pairs", as_=joined, dialect=_DIALECT
    )
    span = _span(period, f"{first}'s")
    returns = "daily log" if basis == "log" else basis
    what = (
        f"the beta of {first} on {second} (slope of {first}'s {returns} returns on {second}'s) "
        f"{span}."
        if beta
        else f"the correlation of the {returns} returns of {first} and {second} {span}."
    )
    return _built(tree, what)


# --- indicators -------------------------------------------------------------------------------


def moving_average(symbols: Sequence[str], window: int, on: Period | None) -> Built:
    """The simple moving average of the close over `window` bars, on the latest bar or a day."""
    frame = f"PARTITION BY symbol ORDER BY ts ROWS BETWEEN {window - 1} PRECEDING AND CURRENT ROW"
    averages = _daily(
        Selection(tuple(symbols)),
        f"AVG(close) OVER ({frame}) AS average",
        f"COUNT(*) OVER ({frame}) AS bars",
    )
    name = f"sma_{window}"
    query = _select(
        "symbol",
        "CAST(ts AS DATE) AS date",
        f"CASE WHEN bars = {window} THEN average END AS {name}",
    ).from_("averages")
    if on is None:
        query = _where(query, "ts = latest_ts")
        when = "on its latest bar" if len(symbols) == 1 else "on each one's latest bar"
    else:
        query = _where(query, *on.window("ts", "latest_ts"))
        when = on.describe("its", "bar")
    tree = query.order_by("symbol", "date", dialect=_DIALECT).with_(
        "averages", as_=averages, dialect=_DIALECT
    )
    what = (
        f"the {window}-day simple moving average of the close of {words(symbols)} {when} "
        f"(empty until {window} bars exist)."
    )
    return _built(tree, what)


# --- the universe and its data ----------------------------------------------------------------


def symbol_count(selection: Selection, per_group: bool) -> Built:
    if per_group:
        query = (
            _select("universe_group", "COUNT(*) AS symbols")
            .from_(SYMBOLS)
            .group_by("universe_group", dialect=_DIALECT)
            .order_by("universe_group", dialect=_DIALECT)
        )
        return _built_symbols(query, "the number of symbols in each universe group.")
    query = _where(_select("COUNT(*) AS symbols").from_(SYMBOLS), selection.member_condition())
    return _built_symbols(query, f"the number of {_members(selection)} in the universe.")


def list_symbols(selection: Selection) -> Built:
    query = _where(_select("symbol", "name").from_(SYMBOLS), selection.member_condition())
    query = query.order_by("symbol", dialect=_DIALECT)
    return _built_symbols(query, f"the {_members(selection)} with their names, by symbol.")


def _members(selection: Selection) -> str:
    members = selection.group.label if selection.group else "symbols"
    if selection.theme is not None:
        return f"{members} tagged with the {selection.theme.replace('_', ' ')!r} theme"
    return members


def _built_symbols(tree: exp.Select, what: str) -> Built:
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, frozenset({SYMBOLS}), tree)


def data_span(selection: Selection) -> Built:
    """The first and last daily bar of each symbol, and how many bars lie between."""
    query = _select(
        "symbol", "CAST(MIN(ts) AS DATE) AS first_date", "CAST(MAX(ts) AS DATE) AS last_date",
        "COUNT(*) AS bars",
    ).from_(OHLCV)  # fmt: skip
    query = _where(query, "interval = '1d'", selection.condition())
    query = query.group_by("symbol", dialect=_DIALECT).order_by("symbol", dialect=_DIALECT)
    what = f"the first and last date of daily bars of {selection.describe()}, and their count."
    return _built(query, what, selection.tables)


# --- corporate actions ------------------------------------------------------------------------


def dividends(selection: Selection, period: Period, *, summary: str) -> Built:
    """Dividends: each one (`list`), the latest (`last`) or their count and sum (`total`)."""
    base = _where(
        _select().from_(ACTIONS),
        "action = 'dividend'",
        selection.condition(),
        *_dated(period, "ex_date"),
    )
    who, span = selection.describe(), _span(period, "the", "dividend")
    if summary == "total":
        tree = base.select(
            "symbol", "COUNT(*) AS dividends", "SUM(cash_amount) AS total_per_share",
            dialect=_DIALECT,
        ).group_by("symbol", dialect=_DIALECT).order_by("symbol", dialect=_DIALECT)  # fmt: skip
        what = f"the number of dividends of {who} and their sum per share {span}."
    elif summary == "average":
        tree = base.select("symbol", "AVG(cash_amount) AS average_dividend", dialect=_DIALECT)
        tree = tree.group_by("symbol", dialect=_DIALECT).order_by("symbol", dialect=_DIALECT)
        what = f"the average cash amount per dividend payment of {who} {span}."
    elif summary == "last":
        tree = base.select("symbol", "ex_date", "cash_amount", dialect=_DIALECT).qualify(
            "ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY ex_date DESC) = 1", dialect=_DIALECT
        )
        what = f"the latest dividend of {who} (ex-date and cash amount per share)."
    else:
        tree = base.select("symbol", "ex_date", "cash_amount", dialect=_DIALECT).order_by(
            "symbol", "ex_date", dialect=_DIALECT
        )
        what = f"the dividends of {who} {span}: ex-date and cash amount per share."
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, _actions(selection), tree)


def ranked_dividends(
    selection: Selection, period: Period, *, descending: bool, limit: int
) -> Built:
    """Symbols ranked by the sum of their dividends per share in the period."""
    tree = (
        _where(
            _select("symbol", "SUM(cash_amount) AS total_dividends_per_share").from_(ACTIONS),
            "action = 'dividend'",
            selection.condition(),
            *_dated(period, "ex_date"),
        )
        .group_by("symbol", dialect=_DIALECT)
        .order_by(
            f"total_dividends_per_share {'DESC' if descending else 'ASC'}", "symbol",
            dialect=_DIALECT,
        )
        .limit(limit, dialect=_DIALECT)
    )  # fmt: skip
    order = "highest" if descending else "lowest"
    what = (
        f"the {limit if limit > 1 else 'one'} of {selection.describe()} with the {order} total "
        f"of dividends per share "
        f"{_span(period, 'the', 'dividend')} (the sum of their cash amounts), {order} first."
    )
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, _actions(selection), tree)


def splits(selection: Selection, period: Period) -> Built:
    tree = _where(
        _select("symbol", "ex_date", "split_from", "split_to").from_(ACTIONS),
        "action = 'split'",
        selection.condition(),
        *_dated(period, "ex_date"),
    ).order_by("ex_date", "symbol", dialect=_DIALECT)
    what = (
        f"the stock splits of {selection.describe()} {_span(period, 'the', 'split')}: "
        "ex-date and ratio (from, to)."
    )
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what, _actions(selection), tree)


def _actions(selection: Selection) -> frozenset[str]:
    return frozenset({ACTIONS}) | selection.tables


def _dated(period: Period, column: str) -> list[str]:
    latest = f"(SELECT MAX({column}) FROM {ACTIONS})"
    return period.window(column, latest)
