"""Indicators in SQL, as `tetra.indicators` defines them (TA-Lib's seeding and alignment).

TA-Lib's averages are recursions (`ema = (close - ema) * alpha + ema`, seeded with the mean
of the first bars). Unrolled, the value on bar t is a weighted sum of the closes up to t:
the seed bars weigh ``(1 - alpha) ** (t - seed) / length`` each, every later bar r weighs
``alpha * (1 - alpha) ** (t - r)``. Each builder numbers each symbol's daily bars with a
window function, joins the bars asked about ("targets": the latest, or those inside dated
periods) to the bars before them, and sums. Bars so old that their weight is below
`NEGLIGIBLE` of the total are left out of the join (the seed bars stay), which keeps the
join small and the powers clear of PostgreSQL's float underflow error; the values equal
the library's to about 1e-12. MACD applies the same sums twice (the line, then its signal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from tetra.chat.offline.families import Selection
from tetra.chat.offline.parse import Period
from tetra.chat.offline.sql import OHLCV, Built
from tetra.chat.offline.trees import DIALECT as _DIALECT
from tetra.chat.offline.trees import select, where

__all__ = ["NEGLIGIBLE", "Macd", "bollinger_bands", "ema", "macd", "rsi"]

NEGLIGIBLE = 1e-17  # weight below which an old bar is left out of a sum
_BARS = (
    "ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY ts) - 1 AS n",
    "MAX(ts) OVER (PARTITION BY symbol) AS latest_ts",
)


@dataclass(frozen=True, slots=True)
class Macd:
    """MACD's three lengths; `part` is macd, signal or histogram, or "" for all three."""

    fast: int = 12
    slow: int = 26
    signal: int = 9
    part: str = ""


def _double(value: float) -> str:
    return f"CAST({value!r} AS DOUBLE)"


def _reach(decay: float) -> int:
    """Return how many bars back a weight decaying by `decay` per bar stays above NEGLIGIBLE."""
    return math.ceil(math.log(NEGLIGIBLE) / math.log(decay))


def _weight(alpha: float, seed: tuple[int, int], target: str, row: str) -> str:
    """SQL weight of bar `row` in the smoothed value on bar `target` (0 outside the sum).

    `seed` is the first and last bar whose mean seeds the recursion on the last one.
    """
    decay, (first, last) = 1 - alpha, seed
    power = f"POWER({_double(decay)}, LEAST({target} - {{back}}, {_reach(decay)}))"
    return (
        f"CASE WHEN {row} BETWEEN {first} AND {last} "
        f"THEN {power.format(back=last)} / {last - first + 1} "
        f"WHEN {row} > {last} THEN {_double(alpha)} * {power.format(back=row)} ELSE 0 END"
    )


def _kept(alpha: float, last_seed: int, target: str, row: str) -> str:
    """SQL condition keeping the bars whose weight in the value on `target` is not negligible."""
    return f"{row} <= {target} AND ({row} <= {last_seed} OR {row} > {target} - {_reach(1 - alpha)})"


def _bars(selection: Selection, *extra: str) -> exp.Select:
    query = select("symbol", "ts", "close", *_BARS, *extra).from_(OHLCV)
    return where(query, "interval = '1d'", selection.condition())


def _targets(on: Period | None) -> exp.Select:
    """The bars asked about: each symbol's latest, or those inside a dated period."""
    return where(select("symbol", "ts", "n").from_("bars"), _target_condition(on))


def _target_condition(on: Period | None) -> str:
    return "ts = latest_ts" if on is None else " AND ".join(on.window("ts", "latest_ts"))


def _when(on: Period | None, count: int) -> str:
    if on is None:
        return "on its latest bar" if count == 1 else "on each one's latest bar"
    return on.describe("its", "bar")


def _smoothed(alpha: float, seed: tuple[int, int], values: dict[str, str]) -> exp.Select:
    """Per target bar, each smoothed value of the bars (NULL until the seed is complete).

    `values` maps an output name to the SQL of the value smoothed (over the bars `b`).
    """
    weight = _weight(alpha, seed, "t.n", "b.n")
    totals = [
        f"CASE WHEN t.n >= {seed[1]} THEN SUM({value} * ({weight})) END AS {name}"
        for name, value in values.items()
    ]
    query = (
        select("t.symbol", "t.ts", *totals)
        .from_("targets AS t")
        .join(
            "bars AS b",
            on=f"b.symbol = t.symbol AND {_kept(alpha, seed[1], 't.n', 'b.n')}",
            dialect=_DIALECT,
        )
    )
    return query.group_by("t.symbol", "t.ts", "t.n", dialect=_DIALECT)


def _finish(
    query: exp.Select, ctes: Sequence[tuple[str, exp.Select]], what: str, selection: Selection
) -> Built:
    for name, body in ctes:
        query = query.with_(name, as_=body, dialect=_DIALECT)
    tables = frozenset({OHLCV}) | selection.tables
    return Built(query.sql(dialect=_DIALECT, pretty=True), what, tables, query)


def ema(selection: Selection, length: int, on: Period | None) -> Built:
    """The exponential moving average of the close, alpha 2 / (length + 1), TA-Lib seeded."""
    name = f"ema_{length}"
    values = _smoothed(2 / (length + 1), (0, length - 1), {name: "b.close"})
    query = select("symbol", "CAST(ts AS DATE) AS date", name).from_("averages")
    query = query.order_by("symbol", "date", dialect=_DIALECT)
    ctes = [("bars", _bars(selection)), ("targets", _targets(on)), ("averages", values)]
    what = (
        f"the {length}-day exponential moving average of the close of {selection.describe()} "
        f"{_when(on, len(selection.symbols))} (alpha 2/{length + 1}, seeded with the mean of "
        f"the first {length} closes, as TA-Lib's EMA; empty until {length} bars exist)."
    )
    return _finish(query, ctes, what, selection)


def rsi(
    selection: Selection,
    length: int,
    on: Period | None,
    *,
    ranked: str | None = None,
    limit: int = 10,
) -> Built:
    """Wilder's relative strength index of the close (TA-Lib RSI), optionally ranked."""
    change = "close - LAG(close) OVER (PARTITION BY symbol ORDER BY ts) AS change"
    moves = {"gain": "GREATEST(b.change, 0)", "loss": "GREATEST(-b.change, 0)"}
    both = _smoothed(1 / length, (1, length), moves)
    name = f"rsi_{length}"
    value = f"CASE WHEN gain + loss = 0 THEN 0 ELSE 100 * gain / (gain + loss) END AS {name}"
    query = select("symbol", "CAST(ts AS DATE) AS date", value).from_("averages")
    if ranked is None:
        query = query.order_by("symbol", "date", dialect=_DIALECT)
    else:
        query = where(query, "gain IS NOT NULL")
        query = query.order_by(f"{name} {ranked}", "symbol", dialect=_DIALECT).limit(limit)
    ctes = [("bars", _bars(selection, change)), ("targets", _targets(on)), ("averages", both)]
    what = (
        f"the {length}-day relative strength index of {selection.describe()} "
        f"{_when(on, len(selection.symbols))} (Wilder's smoothing of gains and losses, as "
        f"TA-Lib's RSI: 100 x average gain / (average gain + average loss))"
    )
    if ranked is not None:
        order = "highest" if ranked == "DESC" else "lowest"
        what += f", the {limit} {order} first" if limit > 1 else f", the {order} one only"
    return _finish(query, ctes, what + ".", selection)


def macd(selection: Selection, lengths: Macd, on: Period | None) -> Built:
    """MACD line, signal and histogram as TA-Lib aligns them (both EMAs seeded together)."""
    fast, slow, signal = lengths.fast, lengths.slow, lengths.signal
    first_line, first_signal = slow - 1, slow + signal - 2
    line_weight = (
        f"({_weight(2 / (fast + 1), (slow - fast, slow - 1), 'j.n', 'b.n')}) - "
        f"({_weight(2 / (slow + 1), (0, slow - 1), 'j.n', 'b.n')})"
    )
    alpha = 2 / (signal + 1)
    needed = (
        select("b.symbol", "b.n")
        .distinct()
        .from_("targets AS t")
        .join(
            "bars AS b",
            on=f"b.symbol = t.symbol AND b.n >= {first_line} AND "
            + _kept(alpha, first_signal, "t.n", "b.n"),
            dialect=_DIALECT,
        )
    )
    slow_alpha = 2 / (slow + 1)
    lines = (
        select("j.symbol", "j.n", f"SUM(b.close * ({line_weight})) AS line")
        .from_("needed AS j")
        .join(
            "bars AS b",
            on=f"b.symbol = j.symbol AND {_kept(slow_alpha, slow - 1, 'j.n', 'b.n')}",
            dialect=_DIALECT,
        )
        .group_by("j.symbol", "j.n", dialect=_DIALECT)
    )
    signal_weight = _weight(alpha, (first_line, first_signal), "t.n", "l.n")
    values = (
        select(
            "t.symbol", "t.ts",
            f"CASE WHEN t.n >= {first_signal} THEN MAX(CASE WHEN l.n = t.n THEN l.line END) END"
            " AS macd",
            f"CASE WHEN t.n >= {first_signal} THEN SUM(l.line * ({signal_weight})) END AS signal",
        )
        .from_("targets AS t")
        .join(
            "lines AS l",
            on=f"l.symbol = t.symbol AND {_kept(alpha, first_signal, 't.n', 'l.n')}",
            dialect=_DIALECT,
        )
        .group_by("t.symbol", "t.ts", "t.n", dialect=_DIALECT)
    )  # fmt: skip
    parts = {"macd": "macd", "signal": "signal", "histogram": "macd - signal AS histogram"}
    chosen = [parts[lengths.part]] if lengths.part else list(parts.values())
    query = select("symbol", "CAST(ts AS DATE) AS date", *chosen).from_("macds")
    query = query.order_by("symbol", "date", dialect=_DIALECT)
    ctes = [
        ("bars", _bars(selection)), ("targets", _targets(on)), ("needed", needed),
        ("lines", lines), ("macds", values),
    ]  # fmt: skip
    shown = {"macd": "MACD line", "signal": "signal line", "histogram": "histogram"}
    which = shown[lengths.part] if lengths.part else "line, signal and histogram"
    what = (
        f"the MACD({fast}, {slow}, {signal}) {which} of {selection.describe()} "
        f"{_when(on, len(selection.symbols))} (EMA {fast} minus EMA {slow} of the close, "
        f"both seeded on bar {slow}; signal: EMA {signal} of the line; as TA-Lib's MACD)."
    )
    return _finish(query, ctes, what, selection)


def bollinger_bands(
    selection: Selection, length: int, width: float, on: Period | None, part: str
) -> Built:
    """Bollinger bands: the SMA of the close and `width` population standard deviations."""
    frame = f"PARTITION BY symbol ORDER BY ts ROWS BETWEEN {length - 1} PRECEDING AND CURRENT ROW"
    bars = _bars(
        selection,
        f"AVG(close) OVER ({frame}) AS average",
        f"STDDEV_POP(close) OVER ({frame}) AS deviation",
        f"COUNT(*) OVER ({frame}) AS bars",
    )
    full = f"bars = {length}"
    bands = {
        "upper": f"CASE WHEN {full} THEN average + {width!r} * deviation END AS upper",
        "middle": f"CASE WHEN {full} THEN average END AS middle",
        "lower": f"CASE WHEN {full} THEN average - {width!r} * deviation END AS lower",
    }
    chosen = [bands[part]] if part else list(bands.values())
    query = select("symbol", "CAST(ts AS DATE) AS date", *chosen).from_("bars")
    query = where(query, _target_condition(on))
    query = query.order_by("symbol", "date", dialect=_DIALECT)
    band = f"{part} band" if part else "upper, middle and lower bands"
    what = (
        f"the Bollinger {band} ({length} days, {width:g} standard deviations) of "
        f"{selection.describe()} {_when(on, len(selection.symbols))}: the {length}-day simple "
        f"moving average of the close plus or minus {width:g} population standard deviations "
        f"of those closes, as TA-Lib's BBANDS (empty until {length} bars exist)."
    )
    return _finish(query, [("bars", bars)], what, selection)
